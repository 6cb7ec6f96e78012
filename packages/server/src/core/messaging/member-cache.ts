import type { MemberRole } from "../kernel/records.js";

export interface MemberSet {
  memberVersion: number;
  /** Active members and their roles. */
  roles: Map<string, MemberRole>;
}

/**
 * Active members per conversation, keyed by the conversation's member
 * version: any membership change bumps that version in the store, so a stale
 * entry is never used even if another process changed the members.
 */
export class MemberCache {
  private readonly entries = new Map<string, MemberSet>();

  constructor(private readonly capacity = 20_000) {}

  get(conversationId: string, memberVersion: number): MemberSet | undefined {
    const e = this.entries.get(conversationId);
    if (!e || e.memberVersion !== memberVersion) return undefined;
    // Refresh recency: Map keeps insertion order, so re-insert to mark as recently used.
    this.entries.delete(conversationId);
    this.entries.set(conversationId, e);
    return e;
  }

  set(conversationId: string, set: MemberSet): void {
    this.entries.delete(conversationId);
    this.entries.set(conversationId, set);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

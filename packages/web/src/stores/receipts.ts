import type { Member, Receipt } from "@starling/sdk";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/**
 * Read state: this user's read cursor moved as chats are shown, and each
 * group's members with their read and delivered cursors (loaded on demand,
 * then kept current by receipts). A 1:1 peer's cursors are on the
 * conversation itself, which the SDK keeps.
 */
export class Receipts extends Store {
  private readonly members = new Map<string, Member[]>();
  private readonly loading = new Set<string>();

  constructor(private readonly session: Session) {
    super();
  }

  /** The group's members with their read cursors; undefined until loaded (asked for on the first call). */
  groupMembers(conversationId: string): Member[] | undefined {
    const have = this.members.get(conversationId);
    const c = this.session.client;
    if (!have && c && !this.loading.has(conversationId)) {
      this.loading.add(conversationId);
      void c.members(conversationId).then(
        (list) => {
          this.loading.delete(conversationId);
          if (!this.session.owns(c)) return;
          this.members.set(conversationId, list);
          this.changed();
        },
        () => this.loading.delete(conversationId),
      );
    }
    return have;
  }

  /** Marks a conversation read up to its last message (when it is on screen). */
  async markRead(conversationId: string): Promise<void> {
    const c = this.session.client;
    const conv = c?.conversations.get(conversationId);
    if (!c || !conv?.active || conv.lastSeq <= conv.readSeq) return;
    await c.markRead(conversationId, conv.lastSeq);
    this.changed();
  }

  /** A member's cursors moved; they only ever move forward. */
  received(r: Receipt): void {
    const m = this.members.get(r.conversationId)?.find((x) => x.userId === r.userId);
    if (m) {
      if (r.readSeq > m.readSeq) m.readSeq = r.readSeq;
      if (r.deliveredSeq > m.deliveredSeq) m.deliveredSeq = r.deliveredSeq;
    }
    this.changed();
  }

  /** Membership may have changed: the member list is read again when next needed. */
  conversationChanged(conversationId: string): void {
    this.members.delete(conversationId);
    this.changed();
  }

  reset(): void {
    this.members.clear();
    this.changed();
  }
}

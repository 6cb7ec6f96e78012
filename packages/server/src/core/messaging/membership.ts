import type { ConversationRecord, MemberRole } from "../kernel/records.js";
import type { ConversationReader } from "../kernel/shared-store.js";
import { MemberCache, type MemberSet } from "./member-cache.js";

/** Active members of conversations, read through a cache keyed by member version. */
export class Membership {
  private readonly cache = new MemberCache();

  async of(reader: ConversationReader, conv: ConversationRecord): Promise<MemberSet> {
    const hit = this.cache.get(conv.id, conv.memberVersion);
    if (hit) return hit;
    const rows = await reader.listMembers(conv.id, true);
    const roles = new Map<string, MemberRole>();
    for (const m of rows) roles.set(m.userId, m.role);
    const set = { memberVersion: conv.memberVersion, roles };
    this.cache.set(conv.id, set);
    return set;
  }
}

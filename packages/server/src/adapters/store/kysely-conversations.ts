import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { ConversationRecord, MemberRecord, MessageRecord } from "../../core/kernel/records.js";
import type {
  ConversationPatch,
  ConversationReader,
  ConversationWriter,
  GroupListReader,
  GroupSummary,
} from "../../core/kernel/shared-store.js";
import { fromConversation, fromMember, fromMessage, toConversation, toMember, toMessage } from "./rows.js";
import type { Database } from "./schema.js";

/** Conversations, members, a user's groups and appended messages: the part of the store several modules share. */
export class KyselyConversations implements ConversationReader, GroupListReader, ConversationWriter {
  /**
   * @param lockConversations read conversation rows FOR UPDATE (PostgreSQL
   * transactions), so that concurrent writers to one conversation queue up
   * instead of allocating the same seq.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly lockConversations: boolean,
  ) {}

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    let q = this.db.selectFrom("conversations").selectAll().where("id", "=", id);
    if (this.lockConversations) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r ? toConversation(r) : undefined;
  }

  async getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined> {
    const r = await this.db
      .selectFrom("members")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return r ? toMember(r) : undefined;
  }

  async listMembers(conversationId: string, activeOnly: boolean): Promise<MemberRecord[]> {
    let q = this.db.selectFrom("members").selectAll().where("conversation_id", "=", conversationId);
    if (activeOnly) q = q.where("active", "=", 1);
    return (await q.orderBy("joined_at").orderBy("user_id").execute()).map(toMember);
  }

  async getMessage(conversationId: string, seq: number): Promise<MessageRecord | undefined> {
    const r = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .executeTakeFirst();
    return r ? toMessage(r) : undefined;
  }

  async groupsOf(userId: string, limit: number): Promise<GroupSummary[]> {
    const rows = await this.db
      .selectFrom("members as m")
      .innerJoin("conversations as c", "c.id", "m.conversation_id")
      .select(["c.id", "c.name", "c.member_count"])
      .where("m.user_id", "=", userId)
      .where("m.active", "=", 1)
      .where("c.kind", "=", "group")
      .where("c.disbanded", "=", 0)
      .orderBy("c.id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, memberCount: Number(r.member_count) }));
  }

  async nextVersions(count: number): Promise<number> {
    const r = await this.db
      .updateTable("counters")
      .set((eb) => ({ value: eb("value", "+", count) }))
      .where("name", "=", "version")
      .returning("value")
      .executeTakeFirstOrThrow();
    return Number(r.value) - count + 1;
  }

  async insertConversation(conv: ConversationRecord): Promise<boolean> {
    const r = await this.db
      .insertInto("conversations")
      .values(fromConversation(conv))
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async updateConversation(id: string, patch: ConversationPatch): Promise<void> {
    const values: Record<string, unknown> = {};
    if (patch.lastSeq !== undefined) values.last_seq = patch.lastSeq;
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.memberCount !== undefined) values.member_count = patch.memberCount;
    if (patch.memberVersion !== undefined) values.member_version = patch.memberVersion;
    if (patch.disbanded !== undefined) values.disbanded = patch.disbanded ? 1 : 0;
    if (patch.version !== undefined) values.version = patch.version;
    if (patch.announcement !== undefined) values.announcement = patch.announcement;
    if (patch.announcementBy !== undefined) values.announcement_by = patch.announcementBy;
    if (patch.announcementAt !== undefined) values.announcement_at = patch.announcementAt;
    if (patch.avatar !== undefined) values.avatar = patch.avatar;
    await this.db.updateTable("conversations").set(values).where("id", "=", id).execute();
  }

  async upsertMember(m: MemberRecord): Promise<void> {
    const row = fromMember(m);
    await this.db
      .insertInto("members")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["conversation_id", "user_id"]).doUpdateSet({
          role: row.role,
          active: row.active,
          joined_at: row.joined_at,
          version: row.version,
          left_seq: 0,
        }),
      )
      .execute();
  }

  async updateMember(
    conversationId: string,
    userId: string,
    patch: Partial<
      Pick<
        MemberRecord,
        | "role"
        | "active"
        | "readSeq"
        | "deliveredSeq"
        | "version"
        | "pinnedAt"
        | "muted"
        | "announcementSeenAt"
      >
    >,
  ): Promise<void> {
    const values: Record<string, unknown> = {};
    if (patch.role !== undefined) values.role = patch.role;
    if (patch.active !== undefined) {
      values.active = patch.active ? 1 : 0;
      // What someone who left saw ends here (search and shared files go by it).
      values.left_seq = patch.active
        ? 0
        : sql`(select last_seq from conversations where id = ${conversationId})`;
    }
    if (patch.readSeq !== undefined) values.read_seq = patch.readSeq;
    if (patch.deliveredSeq !== undefined) values.delivered_seq = patch.deliveredSeq;
    if (patch.version !== undefined) values.version = patch.version;
    if (patch.pinnedAt !== undefined) values.pinned_at = patch.pinnedAt;
    if (patch.muted !== undefined) values.muted = patch.muted ? 1 : 0;
    if (patch.announcementSeenAt !== undefined) values.announcement_seen_at = patch.announcementSeenAt;
    await this.db
      .updateTable("members")
      .set(values)
      .where("conversation_id", "=", conversationId)
      .where("user_id", "=", userId)
      .execute();
  }

  async insertMessages(rows: readonly MessageRecord[]): Promise<void> {
    if (rows.length === 0) return;
    // Chunked to stay far below every dialect's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto("messages")
        .values(rows.slice(i, i + 500).map(fromMessage))
        .execute();
    }
  }
}

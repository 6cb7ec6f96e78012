import { type Kysely, sql } from "kysely";
import type { StoreTx } from "../../core/kernel/ports.js";
import type {
  ConversationRecord,
  ConversationTail,
  ConversationView,
  MemberRecord,
  MessageRecord,
  SessionRecord,
  UserRecord,
} from "../../core/kernel/records.js";
import { KyselyXmpp } from "./kysely-xmpp.js";
import type { Dialect } from "./migrations.js";
import {
  fromConversation,
  fromMember,
  fromMessage,
  toConversation,
  toMember,
  toMessage,
  toSession,
  toUser,
} from "./rows.js";
import type { Database } from "./schema.js";

/** Seqs probed per round of `firstSeqAtTime`, and the range short enough to read instead. */
const SEARCH_PROBES = 15;
const SEARCH_SCAN_ROWS = 32;

/**
 * Every query of the Store port, over a Kysely handle that is either the
 * database or an open transaction. Dialect-neutral SQL only.
 */
export class KyselyAccess extends KyselyXmpp implements StoreTx {
  /**
   * @param lockConversations read conversation rows FOR UPDATE (PostgreSQL
   * transactions), so that concurrent writers to one conversation queue up
   * instead of allocating the same seq.
   */
  constructor(
    db: Kysely<Database>,
    dialect: Dialect,
    private readonly lockConversations: boolean,
  ) {
    super(db, dialect);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  async listUsers(domain: string, afterId: string, limit: number): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where("domain", "=", domain)
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const r = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    return r ? toSession(r) : undefined;
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    let q = this.db.selectFrom("conversations").selectAll().where("id", "=", id);
    if (this.lockConversations) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r ? toConversation(r) : undefined;
  }

  async getConversations(ids: readonly string[]): Promise<ConversationRecord[]> {
    if (ids.length === 0) return [];
    let q = this.db.selectFrom("conversations").selectAll().where("id", "in", ids);
    // A fixed lock order, so two batches touching the same conversations cannot deadlock.
    if (this.lockConversations) q = q.orderBy("id").forUpdate();
    return (await q.execute()).map(toConversation);
  }

  async listGroups(domain: string, afterId: string, limit: number): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom("conversations")
      .selectAll()
      .where("domain", "=", domain)
      .where("kind", "=", "group")
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toConversation);
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

  async changedConversations(userId: string, version: number, limit: number): Promise<ConversationView[]> {
    // A member who left follows only their own row: the group's later
    // activity is no longer theirs to see.
    const key = sql<number>`case when m.active = 1 and c.version > m.version then c.version else m.version end`;
    const rows = await this.db
      .selectFrom("members as m")
      .innerJoin("conversations as c", "c.id", "m.conversation_id")
      .selectAll("c")
      .select([
        "m.user_id",
        "m.role",
        "m.active",
        "m.read_seq",
        "m.delivered_seq",
        "m.joined_at",
        "m.pinned_at",
        "m.muted",
        "m.version as m_version",
        key.as("view_version"),
      ])
      .where("m.user_id", "=", userId)
      .where(key, ">", version)
      .orderBy(key)
      .orderBy("c.id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      conversation: toConversation(r),
      member: toMember({ ...r, conversation_id: r.id, version: r.m_version }),
      version: Number(r.view_version),
    }));
  }

  async getMessages(
    conversationId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
    newestFirst: boolean,
  ): Promise<MessageRecord[]> {
    const rows = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("seq", ">", afterSeq)
      .where("seq", "<", beforeSeq)
      .orderBy("seq", newestFirst ? "desc" : "asc")
      .limit(limit)
      .execute();
    return rows.map(toMessage);
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

  async firstSeqAtTime(
    conversationId: string,
    time: number,
    afterSeq: number,
    beforeSeq: number,
  ): Promise<number> {
    // The answer lies in (lo, hi]. Each round reads the times at a few evenly
    // spaced seqs (primary-key lookups in one statement) and narrows the
    // range to one gap between them, until it is short enough to read.
    let lo = afterSeq;
    let hi = beforeSeq;
    while (hi - lo > SEARCH_SCAN_ROWS) {
      const step = (hi - lo) / (SEARCH_PROBES + 1);
      const probes: number[] = [];
      for (let i = 1; i <= SEARCH_PROBES; i++) probes.push(lo + Math.round(step * i));
      const rows = await this.db
        .selectFrom("messages")
        .select(["seq", "server_time"])
        .where("conversation_id", "=", conversationId)
        .where("seq", "in", probes)
        .execute();
      if (rows.length === 0) break;
      const found = rows.map((r) => ({ seq: Number(r.seq), time: Number(r.server_time) }));
      // Times taken on different nodes may be out of order by a little:
      // the lower end is chosen below the upper one, so the range still shrinks.
      for (const r of found) if (r.time >= time && r.seq < hi) hi = r.seq;
      for (const r of found) if (r.time < time && r.seq > lo && r.seq < hi) lo = r.seq;
    }
    const r = await this.db
      .selectFrom("messages")
      .select("seq")
      .where("conversation_id", "=", conversationId)
      .where("seq", ">", lo)
      .where("seq", "<", hi)
      .where("server_time", ">=", time)
      .orderBy("seq")
      .limit(1)
      .executeTakeFirst();
    return r ? Number(r.seq) : hi;
  }

  async recentDirectConversations(userId: string, limit: number): Promise<ConversationTail[]> {
    const rows = await this.db
      .selectFrom("members as m")
      .innerJoin("conversations as c", "c.id", "m.conversation_id")
      .innerJoin("messages as msg", (j) =>
        j.onRef("msg.conversation_id", "=", "c.id").onRef("msg.seq", "=", "c.last_seq"),
      )
      .select(["c.id", "c.last_seq", "msg.server_time"])
      .where("m.user_id", "=", userId)
      .where("m.active", "=", 1)
      .where("c.kind", "=", "direct")
      .orderBy("msg.server_time", "desc")
      .orderBy("c.id")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      conversationId: r.id,
      lastSeq: Number(r.last_seq),
      lastTime: Number(r.server_time),
    }));
  }

  async countUnread(conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number> {
    const inner = this.db
      .selectFrom("messages")
      .select("seq")
      .where("conversation_id", "=", conversationId)
      .where("seq", ">", afterSeq)
      .where("sender_id", "<>", userId)
      .where("event", "is", null)
      .limit(cap);
    const r = await this.db
      .selectFrom(inner.as("u"))
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        token_hash: s.tokenHash,
        user_id: s.userId,
        device_id: s.deviceId,
        platform: s.platform,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }

  async deleteSessionsOfUser(userId: string, exceptTokenHash?: string): Promise<number> {
    let q = this.db.deleteFrom("sessions").where("user_id", "=", userId);
    if (exceptTokenHash) q = q.where("token_hash", "<>", exceptTokenHash);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
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

  async updateConversation(
    id: string,
    patch: Partial<
      Pick<ConversationRecord, "lastSeq" | "name" | "memberCount" | "memberVersion" | "disbanded" | "version">
    >,
  ): Promise<void> {
    const values: Record<string, unknown> = {};
    if (patch.lastSeq !== undefined) values.last_seq = patch.lastSeq;
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.memberCount !== undefined) values.member_count = patch.memberCount;
    if (patch.memberVersion !== undefined) values.member_version = patch.memberVersion;
    if (patch.disbanded !== undefined) values.disbanded = patch.disbanded ? 1 : 0;
    if (patch.version !== undefined) values.version = patch.version;
    await this.db.updateTable("conversations").set(values).where("id", "=", id).execute();
  }

  async advanceConversations(
    updates: readonly { id: string; lastSeq: number; version: number }[],
  ): Promise<void> {
    for (let i = 0; i < updates.length; i += 200) {
      const chunk = updates.slice(i, i + 200);
      const lastSeq = sql.join(
        chunk.map((u) => sql`when ${u.id} then cast(${u.lastSeq} as bigint)`),
        sql` `,
      );
      const version = sql.join(
        chunk.map((u) => sql`when ${u.id} then cast(${u.version} as bigint)`),
        sql` `,
      );
      await this.db
        .updateTable("conversations")
        .set({
          last_seq: sql<number>`case id ${lastSeq} end`,
          version: sql<number>`case id ${version} end`,
        })
        .where(
          "id",
          "in",
          chunk.map((u) => u.id),
        )
        .execute();
    }
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
      Pick<MemberRecord, "role" | "active" | "readSeq" | "deliveredSeq" | "version" | "pinnedAt" | "muted">
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
    await this.db
      .updateTable("members")
      .set(values)
      .where("conversation_id", "=", conversationId)
      .where("user_id", "=", userId)
      .execute();
  }

  async findByClientIds(
    keys: readonly { conversationId: string; senderId: string; clientMsgId: string }[],
  ): Promise<MessageRecord[]> {
    if (keys.length === 0) return [];
    const tuples = sql.join(keys.map((k) => sql`(${k.conversationId}, ${k.senderId}, ${k.clientMsgId})`));
    const rows = await this.db
      .selectFrom("messages")
      .selectAll()
      .where(sql<boolean>`(conversation_id, sender_id, client_msg_id) in (values ${tuples})`)
      .execute();
    return rows.map(toMessage);
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

  async recallMessage(conversationId: string, seq: number, by: string, at: number): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({ content: null, recalled_by: by, recalled_at: at })
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
    await this.unindexMessage(conversationId, seq);
    await this.unshareMessage(conversationId, seq);
  }
}

import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type {
  ConversationRecord,
  ConversationTail,
  ConversationView,
  FileShare,
  MentionEntry,
  MentionPosition,
  MessageRecord,
  ReactionRecord,
} from "../../core/kernel/records.js";
import type { MessagingReads, MessagingWrites } from "../../core/messaging/store.js";
import type { SearchEntry } from "../../core/search/document.js";
import type { Dialect } from "./migrations.js";
import { readableSeq } from "./readable-sql.js";
import { asBuffer, formatReactions, toConversation, toMember, toMessage } from "./rows.js";
import type { Database } from "./schema.js";
import { deleteSearchEntry, insertSearchEntries } from "./search-rows.js";

/** Seqs probed per round of `firstSeqAtTime`, and the range short enough to read instead. */
const SEARCH_PROBES = 15;
const SEARCH_SCAN_ROWS = 32;

/** Messaging's queries: history, the change stream, unread counts, the send batch and recalls. */
export class KyselyMessaging implements MessagingReads, MessagingWrites {
  /** @param lockConversations as for KyselyConversations: rows read FOR UPDATE, here in id order. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly lockConversations: boolean,
  ) {}

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
        "m.announcement_seen_at",
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

  async countUnread(conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number> {
    const inner = this.db
      .selectFrom("messages")
      .select("seq")
      .where("conversation_id", "=", conversationId)
      .where("seq", ">", afterSeq)
      .where("sender_id", "<>", userId)
      .where("event", "is", null)
      .limit(cap);
    return countRows(this.db, inner);
  }

  async countUnreadMentions(
    conversationId: string,
    userId: string,
    afterSeq: number,
    cap: number,
  ): Promise<number> {
    const inner = this.db
      .selectFrom("mentions")
      .select("seq")
      .distinct()
      .where("conversation_id", "=", conversationId)
      .where("seq", ">", afterSeq)
      .where("user_id", "in", [userId, "@all"])
      .where("sender_id", "<>", userId)
      .limit(cap);
    return countRows(this.db, inner);
  }

  async listMentions(
    userId: string,
    before: MentionPosition | undefined,
    limit: number,
  ): Promise<MentionEntry[]> {
    // By the user's own rows and by "@all" rows of conversations they belong to, merged
    // newest first; a message mentioning both comes once.
    let q = this.db
      .selectFrom("mentions as x")
      .innerJoin("members as member", (j) =>
        j.onRef("member.conversation_id", "=", "x.conversation_id").on("member.user_id", "=", userId),
      )
      .select(["x.conversation_id", "x.seq", "x.sender_id", "x.server_time"])
      .distinct()
      .where("x.user_id", "in", [userId, "@all"])
      .where("x.sender_id", "<>", userId)
      .where(readableSeq("member", "x.seq"));
    if (before) {
      const t = before.serverTime;
      q = q.where((eb) =>
        eb.or([
          eb("x.server_time", "<", t),
          eb.and([eb("x.server_time", "=", t), eb("x.conversation_id", "<", before.conversationId)]),
          eb.and([
            eb("x.server_time", "=", t),
            eb("x.conversation_id", "=", before.conversationId),
            eb("x.seq", "<", before.seq),
          ]),
        ]),
      );
    }
    const rows = await q
      .orderBy("x.server_time", "desc")
      .orderBy("x.conversation_id", "desc")
      .orderBy("x.seq", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      userId,
      conversationId: r.conversation_id,
      seq: Number(r.seq),
      senderId: r.sender_id,
      serverTime: Number(r.server_time),
    }));
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

  async getConversations(ids: readonly string[]): Promise<ConversationRecord[]> {
    if (ids.length === 0) return [];
    let q = this.db.selectFrom("conversations").selectAll().where("id", "in", ids);
    // A fixed lock order, so two batches touching the same conversations cannot deadlock.
    if (this.lockConversations) q = q.orderBy("id").forUpdate();
    return (await q.execute()).map(toConversation);
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

  async indexMessages(entries: readonly SearchEntry[]): Promise<void> {
    if (entries.length > 0) await insertSearchEntries(this.db, this.dialect, entries);
  }

  async shareFiles(shares: readonly FileShare[]): Promise<void> {
    if (shares.length === 0) return;
    for (let i = 0; i < shares.length; i += 500) {
      await this.db
        .insertInto("file_shares")
        .values(
          shares
            .slice(i, i + 500)
            .map((s) => ({ file_id: s.fileId, conversation_id: s.conversationId, seq: s.seq })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async editMessage(
    conversationId: string,
    seq: number,
    content: Uint8Array,
    editedAt: number,
    search: SearchEntry | undefined,
  ): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({ content: asBuffer(content), edited_at: editedAt })
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
    // The old text must no longer be found: its entry goes and one for the new text takes its place.
    // It keeps its number, and so its place among the results (newest first by number).
    const id = await deleteSearchEntry(this.db, this.dialect, conversationId, seq);
    if (search)
      await insertSearchEntries(this.db, this.dialect, [id === undefined ? search : { ...search, id }]);
  }

  async setReactions(
    conversationId: string,
    seq: number,
    reactions: readonly ReactionRecord[],
  ): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({ reactions: formatReactions(reactions) })
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
  }

  async indexMentions(entries: readonly MentionEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) {
      await this.db
        .insertInto("mentions")
        .values(
          entries.slice(i, i + 500).map((e) => ({
            user_id: e.userId,
            conversation_id: e.conversationId,
            seq: e.seq,
            sender_id: e.senderId,
            server_time: e.serverTime,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async recallMessage(conversationId: string, seq: number, by: string, at: number): Promise<void> {
    await this.db
      .updateTable("messages")
      .set({ content: null, recalled_by: by, recalled_at: at, reactions: null })
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
    // Every version of the text goes: the edit events keep the content they announced.
    await this.db
      .updateTable("messages")
      .set({ content: null })
      .where("conversation_id", "=", conversationId)
      .where("edit_of", "=", seq)
      .execute();
    await deleteSearchEntry(this.db, this.dialect, conversationId, seq);
    await this.db
      .deleteFrom("mentions")
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
    // A recalled message's files are no longer shared by it.
    await this.db
      .deleteFrom("file_shares")
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
    // Nor is it pinned any more.
    await this.db
      .deleteFrom("pinned_messages")
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .execute();
  }
}

/** The rows of a capped query, counted in the database without reading them. */
async function countRows(
  db: Kysely<Database>,
  capped: SelectQueryBuilder<Database, keyof Database, { seq: number }>,
): Promise<number> {
  const r = await db
    .selectFrom(capped.as("u"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

import { type Kysely, type RawBuilder, sql } from "kysely";
import type {
  FileSearchHit,
  FileSearchQuery,
  MessageSearchHit,
  MessageSearchQuery,
  SearchReads,
} from "../../core/search/store.js";
import { fts5Query, tsQuery } from "../../core/search/tokens.js";
import type { Dialect } from "./migrations.js";
import { readableSeq } from "./readable-sql.js";
import { toFile } from "./rows.js";
import type { Database, FileTable } from "./schema.js";

/** Users in at most this many conversations have the search narrowed to them inside the index. */
const FEW_CONVERSATIONS = 50;

const toHit = (r: {
  id: number | string;
  conversation_id: string;
  seq: number | string;
}): MessageSearchHit => ({
  id: Number(r.id),
  conversationId: r.conversation_id,
  seq: Number(r.seq),
});

/** `%text%` for LIKE, with the pattern characters of `text` escaped by `\`. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The conversations to narrow the index to: the one asked for, or all of
 * the user's when they are few. Walking the index newest first and
 * dropping what the user may not see is fast unless the words are common
 * and the user sees little (one chat among thousands); with the
 * conversations' own tokens in the query, the index skips the rest.
 */
async function fewConversations(db: Kysely<Database>, q: MessageSearchQuery): Promise<string[]> {
  if (q.conversationId) return [q.conversationId];
  const mine = await db
    .selectFrom("members")
    .select("conversation_id")
    .where("user_id", "=", q.userId)
    .limit(FEW_CONVERSATIONS + 1)
    .execute();
  return mine.length > FEW_CONVERSATIONS ? [] : mine.map((m) => m.conversation_id);
}

/**
 * The search module's queries. Both dialects return the same rows
 * for the same data: the tokens are made in the core, each store only
 * matches them (FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL), and
 * results come newest first by index id.
 */
export class KyselySearch implements SearchReads {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async searchMessages(q: MessageSearchQuery): Promise<MessageSearchHit[]> {
    if (q.terms.length === 0) return [];
    const where: RawBuilder<unknown>[] = [readableSeq("m", "s.seq")];
    if (q.conversationId) where.push(sql`s.conversation_id = ${q.conversationId}`);
    if (q.senderId) where.push(sql`s.sender_id = ${q.senderId}`);
    if (q.since) where.push(sql`s.server_time >= ${q.since}`);
    if (q.until) where.push(sql`s.server_time < ${q.until}`);
    if (q.kind) where.push(sql`s.kind = ${q.kind}`);
    if (q.beforeId) where.push(sql`s.id < ${q.beforeId}`);
    const filters = sql.join(where, sql` and `);
    const member = sql`join members m on m.conversation_id = s.conversation_id and m.user_id = ${q.userId}`;
    const few = await fewConversations(this.db, q);
    if (this.dialect === "postgres") {
      const { rows } = await sql<{ id: string; conversation_id: string; seq: string }>`
        select s.id, s.conversation_id, s.seq from message_search s ${member}
        where s.tokens @@ ${tsQuery(q.terms, few)}::tsquery and ${filters}
        order by s.id desc limit ${q.limit}`.execute(this.db);
      return rows.map(toHit);
    }
    const { rows } = await sql<{ id: number; conversation_id: string; seq: number }>`
      select s.id, s.conversation_id, s.seq from message_fts f
      join message_search s on s.id = f.rowid ${member}
      where message_fts match ${fts5Query(q.terms, few)} and ${filters}
      order by f.rowid desc limit ${q.limit}`.execute(this.db);
    return rows.map(toHit);
  }

  async searchFiles(q: FileSearchQuery): Promise<FileSearchHit[]> {
    const pattern = containsPattern(q.text);
    const shared: RawBuilder<unknown>[] = [
      sql`f.domain = ${q.domain}`,
      sql`lower(f.name) like ${pattern} escape '\\'`,
      readableSeq("m", "s.seq"),
    ];
    const own: RawBuilder<unknown>[] = [
      sql`f.uploader = ${q.userId}`,
      sql`lower(f.name) like ${pattern} escape '\\'`,
      sql`not exists (select 1 from file_shares x where x.file_id = f.id)`,
    ];
    if (q.senderId) {
      shared.push(sql`f.uploader = ${q.senderId}`);
      own.push(sql`f.uploader = ${q.senderId}`);
    }
    if (q.since) {
      shared.push(sql`f.created_at >= ${q.since}`);
      own.push(sql`f.created_at >= ${q.since}`);
    }
    if (q.until) {
      shared.push(sql`f.created_at < ${q.until}`);
      own.push(sql`f.created_at < ${q.until}`);
    }
    if (q.conversationId) {
      shared.push(sql`s.conversation_id = ${q.conversationId}`);
      own.push(sql`1 = 0`);
    }
    // In one conversation, newest first is the order they were shared in (a file may be shared again later).
    const order = q.conversationId
      ? sql`share_seq desc, id`
      : sql`created_at desc, id, share_conversation, share_seq`;
    const { rows } = await sql<FileTable & { share_conversation: string; share_seq: number | string }>`
      select * from (
        select f.*, s.conversation_id as share_conversation, s.seq as share_seq
        from file_shares s join files f on f.id = s.file_id
        join members m on m.conversation_id = s.conversation_id and m.user_id = ${q.userId}
        where ${sql.join(shared, sql` and `)}
        union all
        select f.*, '' as share_conversation, 0 as share_seq from files f
        where ${sql.join(own, sql` and `)}
      ) hits
      order by ${order}
      limit ${q.limit} offset ${q.offset}`.execute(this.db);
    return rows.map((r) => ({
      file: toFile(r),
      conversationId: r.share_conversation,
      seq: Number(r.share_seq),
    }));
  }
}

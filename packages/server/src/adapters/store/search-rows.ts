import { type Kysely, sql } from "kysely";
import type { SearchEntry } from "../../core/search/document.js";
import { conversationToken, tsVector } from "../../core/search/tokens.js";
import type { Dialect } from "./migrations.js";
import type { Database } from "./schema.js";

/** A message's tokens and, last, its conversation's. */
const withConversation = (e: SearchEntry) => [...e.tokens, conversationToken(e.conversationId)];

/**
 * Writes search index entries: on PostgreSQL one row with its tsvector; on
 * SQLite a row numbered after the highest so far (writers are serialised)
 * and the tokens in message_fts under the same rowid.
 */
export async function insertSearchEntries<DB>(
  db: Kysely<DB>,
  dialect: Dialect,
  entries: readonly SearchEntry[],
) {
  for (let i = 0; i < entries.length; i += 200) {
    const chunk = entries.slice(i, i + 200);
    const numbered = chunk.every((e) => e.id !== undefined);
    if (dialect === "postgres") {
      const rows = chunk.map(
        (e) =>
          sql`(${numbered ? sql`${e.id}, ` : sql``}${e.conversationId}, ${e.seq}, ${e.senderId}, ${e.serverTime}, ${e.kind}, ${tsVector(withConversation(e))}::tsvector)`,
      );
      await sql`insert into message_search (${numbered ? sql`id, ` : sql``}conversation_id, seq, sender_id, server_time, kind, tokens)
        values ${sql.join(rows)} on conflict (conversation_id, seq) do nothing`.execute(db);
      continue;
    }
    const { rows } = await sql<{ top: number | null }>`select max(id) as top from message_search`.execute(db);
    let next = Number(rows[0]?.top ?? 0);
    const ids = chunk.map((e) => (numbered ? (e.id as number) : ++next));
    const meta = chunk.map(
      (e, i) => sql`(${ids[i]}, ${e.conversationId}, ${e.seq}, ${e.senderId}, ${e.serverTime}, ${e.kind})`,
    );
    const fts = chunk.map((e, i) => sql`(${ids[i]}, ${withConversation(e).join(" ")})`);
    await sql`insert into message_search (id, conversation_id, seq, sender_id, server_time, kind)
      values ${sql.join(meta)}`.execute(db);
    await sql`insert into message_fts (rowid, tokens) values ${sql.join(fts)}`.execute(db);
  }
}

/** Takes a message out of the search index (a recall, an edit); returns the entry's number. */
export async function deleteSearchEntry(
  db: Kysely<Database>,
  dialect: Dialect,
  conversationId: string,
  seq: number,
): Promise<number | undefined> {
  const gone = await db
    .deleteFrom("message_search")
    .where("conversation_id", "=", conversationId)
    .where("seq", "=", seq)
    .returning("id")
    .executeTakeFirst();
  if (gone && dialect === "sqlite") await sql`delete from message_fts where rowid = ${gone.id}`.execute(db);
  return gone ? Number(gone.id) : undefined;
}

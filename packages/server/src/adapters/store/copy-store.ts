import { sql, type Transaction } from "kysely";
import { BLOB_STORE_SECRET } from "../../core/files/files.js";
import { type SearchEntry, searchDocument } from "../../core/search/document.js";
import type { KyselyStore } from "./kysely-store.js";
import type { Database } from "./schema.js";
import { insertSearchEntries } from "./search-rows.js";

/** Tables in the order their references need. */
const TABLES = [
  "domains",
  "departments",
  "users",
  "user_departments",
  "sessions",
  "user_settings",
  "conversations",
  "members",
  "group_invites",
  "activation_codes",
  "pinned_messages",
  "hidden_messages",
  "favourites",
  "audit_log",
  "files",
  "file_shares",
  "avatars",
  "secrets",
  "scram_credentials",
  "push_devices",
  "counters",
  "federation_links",
  "federation_outbox",
  "federation_inbox_marks",
  "federation_pings",
] as const;
const BATCH = 500;

export interface CopyReport {
  rows: Record<string, number>;
}

const toBuffer = (v: unknown) =>
  v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;

/**
 * Copies a whole deployment from one store to another, for moving from the
 * embedded SQLite to PostgreSQL. The target must be empty (migrated, no
 * users); every row, cursor and seq is copied as it is.
 */
export async function copyStore(
  from: KyselyStore,
  to: KyselyStore,
  progress?: (table: string, rows: number) => void,
): Promise<CopyReport> {
  const existing = await to.db.selectFrom("users").select("id").limit(1).execute();
  if (existing.length > 0)
    throw new Error("the target database already holds users; copy only into an empty one");
  const rows: Record<string, number> = {};
  await to.db.transaction().execute(async (trx) => {
    // Migrations created only the version counter's row; the source's counters replace it.
    await trx.deleteFrom("counters").execute();
    for (const table of TABLES) {
      const all = (await from.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
      for (let i = 0; i < all.length; i += BATCH) {
        await trx
          .insertInto(table)
          .values(all.slice(i, i + BATCH) as never)
          .execute();
      }
      rows[table] = all.length;
      progress?.(table, all.length);
    }
    let count = 0;
    let after = { conversation_id: "", seq: 0 };
    for (;;) {
      const page = await from.db
        .selectFrom("messages")
        .selectAll()
        .where(
          sql<boolean>`(conversation_id > ${after.conversation_id} or (conversation_id = ${after.conversation_id} and seq > ${after.seq}))`,
        )
        .orderBy("conversation_id")
        .orderBy("seq")
        .limit(BATCH)
        .execute();
      if (page.length === 0) break;
      await trx
        .insertInto("messages")
        .values(page.map((m) => ({ ...m, content: toBuffer(m.content), event: toBuffer(m.event) })) as never)
        .execute();
      count += page.length;
      const last = page[page.length - 1] as { conversation_id: string; seq: number };
      after = { conversation_id: last.conversation_id, seq: Number(last.seq) };
      progress?.("messages", count);
    }
    rows.messages = count;
    rows.message_search = await copySearchIndex(from, to, trx, progress);
    // The id of the source's blob store does not name the target's: the
    // first node on the copy records its own (see Files.blobStoreShared).
    await trx.deleteFrom("secrets").where("name", "=", BLOB_STORE_SECRET).execute();
  });
  return { rows };
}

/**
 * The search index, entry by entry with the same numbers (its order), the
 * tokens made again from the copied messages: SQLite's FTS5 table keeps no
 * text to read back.
 */
async function copySearchIndex(
  from: KyselyStore,
  to: KyselyStore,
  trx: Transaction<Database>,
  progress?: (table: string, rows: number) => void,
): Promise<number> {
  let count = 0;
  for (let after = 0; ; ) {
    const page = await from.db
      .selectFrom("message_search as s")
      .innerJoin("messages as m", (j) =>
        j.onRef("m.conversation_id", "=", "s.conversation_id").onRef("m.seq", "=", "s.seq"),
      )
      .select(["s.id", "s.conversation_id", "s.seq", "s.sender_id", "s.server_time", "m.content"])
      .where("s.id", ">", after)
      .orderBy("s.id")
      .limit(BATCH)
      .execute();
    if (page.length === 0) break;
    const entries: SearchEntry[] = [];
    for (const r of page) {
      const doc = r.content ? searchDocument(r.content) : undefined;
      if (doc)
        entries.push({
          id: Number(r.id),
          conversationId: r.conversation_id,
          seq: Number(r.seq),
          senderId: r.sender_id,
          serverTime: Number(r.server_time),
          ...doc,
        });
    }
    await insertSearchEntries<Database>(trx, to.dialect, entries);
    count += entries.length;
    after = Number((page[page.length - 1] as { id: number }).id);
    progress?.("message_search", count);
  }
  if (to.dialect === "postgres")
    await sql`select setval(pg_get_serial_sequence('message_search', 'id'), greatest((select max(id) from message_search), 1))`.execute(
      trx,
    );
  return count;
}

/** Differences between two stores' contents (row counts, each conversation's last seq and message count); empty when they agree. */
export async function compareStores(a: KyselyStore, b: KyselyStore): Promise<string[]> {
  const problems: string[] = [];
  for (const table of [...TABLES, "messages", "message_search"] as const) {
    const count = async (s: KyselyStore) => {
      let q = s.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n"));
      // Not copied: each side's own blob store id.
      if (table === "secrets") q = q.where(sql<boolean>`name <> ${BLOB_STORE_SECRET}`);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };
    const [x, y] = [await count(a), await count(b)];
    if (x !== y) problems.push(`${table}: ${x} rows against ${y}`);
  }
  const convs = async (s: KyselyStore) =>
    new Map(
      (
        await s.db
          .selectFrom("conversations as c")
          .leftJoin("messages as m", "m.conversation_id", "c.id")
          .select([
            "c.id",
            "c.last_seq",
            (eb) => eb.fn.count<number>("m.seq").as("n"),
            (eb) => eb.fn.max("m.seq").as("top"),
          ])
          .groupBy(["c.id", "c.last_seq"])
          .execute()
      ).map((r) => [r.id, `${Number(r.last_seq)}/${Number(r.n)}/${Number(r.top ?? 0)}`]),
    );
  const [ca, cb] = [await convs(a), await convs(b)];
  for (const [id, v] of ca)
    if (cb.get(id) !== v) problems.push(`conversation ${id}: ${v} against ${cb.get(id) ?? "missing"}`);
  return problems;
}

/**
 * Fills one 1:1 conversation between bench users 0 and 1 with `count`
 * messages, seq 1..count, alternating senders, before any server starts.
 * Through the store API this would take hours, so the conversation and its
 * members are written through the store and the messages by one set-based
 * INSERT per chunk on the database itself, in exactly the rows the server
 * writes: content is the encoded Content message of the text
 * "history message 000000000042" (field 1, 28 bytes), client ids are
 * "h<seq>".
 */
import { join } from "node:path";
import { directConversationId } from "@starling/protocol";
import Database from "better-sqlite3";
import pg from "pg";
import { BENCH_PG_URL, type BenchDb } from "./bench-db.js";
import { BENCH_DOMAIN, userId } from "./users.js";

const CHUNK = 1_000_000;

/** The 1:1 conversation id of bench users 0 and 1 (the server's directConversationId). */
export function historyConversationId(): string {
  return directConversationId(userId(0), userId(1));
}

/** The text generated for `seq`, so readers can check what they got. */
export function historyText(seq: number): string {
  return `history message ${String(seq).padStart(12, "0")}`;
}

export async function generateHistory(
  db: BenchDb,
  count: number,
  log: (message: string) => void,
): Promise<{ seconds: number }> {
  const started = performance.now();
  const conversationId = historyConversationId();
  const now = Date.now();
  const firstTime = now - count; // one millisecond apart, the last one now
  const store = await db.open();
  try {
    await store.transaction(async (tx) => {
      const version = await tx.nextVersions(3);
      await tx.insertConversation({
        id: conversationId,
        kind: "direct",
        domain: BENCH_DOMAIN,
        name: "",
        lastSeq: count,
        memberCount: 2,
        memberVersion: 1,
        disbanded: false,
        createdAt: firstTime,
        version,
      });
      for (const [i, u] of [userId(0), userId(1)].entries()) {
        await tx.upsertMember({
          conversationId,
          userId: u,
          role: "member",
          active: true,
          readSeq: 0,
          deliveredSeq: 0,
          joinedAt: firstTime,
          version: version + 1 + i,
        });
      }
    });
  } finally {
    await store.close();
  }
  const params = { conv: conversationId, a: userId(0), b: userId(1), t0: firstTime };
  if (db.kind === "sqlite") await fillSqlite(join(db.nodeDir(0), "starling.db"), count, params, log);
  else await fillPostgres(db.schema as string, count, params, log);
  return { seconds: (performance.now() - started) / 1000 };
}

interface FillParams {
  conv: string;
  a: string;
  b: string;
  t0: number;
}

async function fillSqlite(path: string, count: number, p: FillParams, log: (m: string) => void) {
  const sqlite = new Database(path);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = OFF");
    const insert = sqlite.prepare(`
      with recursive g(x) as (select @lo union all select x + 1 from g where x < @hi)
      insert into messages (conversation_id, seq, sender_id, client_msg_id, server_time, content)
      select @conv, x, case x % 2 when 1 then @a else @b end, 'h' || x, @t0 + x,
             cast(x'0a1c' || 'history message ' || printf('%012d', x) as blob)
      from g`);
    for (let lo = 1; lo <= count; lo += CHUNK) {
      const hi = Math.min(count, lo + CHUNK - 1);
      sqlite.transaction(() => insert.run({ ...p, lo, hi }))();
      log(`history: ${hi.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} messages (sqlite)`);
    }
    sqlite.pragma("wal_checkpoint(TRUNCATE)");
    sqlite.exec("analyze");
  } finally {
    sqlite.close();
  }
}

async function fillPostgres(schema: string, count: number, p: FillParams, log: (m: string) => void) {
  const client = new pg.Client({ connectionString: BENCH_PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query("set synchronous_commit = off");
    for (let lo = 1; lo <= count; lo += CHUNK) {
      const hi = Math.min(count, lo + CHUNK - 1);
      await client.query(
        `insert into messages (conversation_id, seq, sender_id, client_msg_id, server_time, content)
         select $1, x, case x % 2 when 1 then $2 else $3 end, 'h' || x, $4::bigint + x,
                '\\x0a1c'::bytea || convert_to('history message ' || lpad(x::text, 12, '0'), 'UTF8')
         from generate_series($5::bigint, $6::bigint) as x`,
        [p.conv, p.a, p.b, p.t0, lo, hi],
      );
      log(`history: ${hi.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} messages (postgres)`);
    }
    await client.query("vacuum analyze messages");
  } finally {
    await client.end();
  }
}

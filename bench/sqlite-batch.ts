/**
 * What one group-commit batch of the 1:1 scenario costs in SQLite alone,
 * without the server or kysely: `messages` as the server's migration makes
 * it, N messages scattered over C conversations inserted in one multi-row
 * INSERT, one UPDATE per touched conversation, then COMMIT (WAL, fsync per
 * commit). Prints time per phase and WAL pages per commit, for the server's
 * settings and a few alternatives, so storage changes can be weighed
 * before touching the server.
 *
 *   node --import tsx bench/sqlite-batch.ts [--messages 200] [--conversations 100] [--batches 300]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "200" },
    conversations: { type: "string", default: "100" },
    batches: { type: "string", default: "300" },
  },
});
const MESSAGES = Math.max(1, Math.min(500, Number(values.messages)));
const CONVERSATIONS = Math.max(1, Math.min(10_000, Number(values.conversations)));
const BATCHES = Math.max(1, Math.min(10_000, Number(values.batches)));

const SCHEMA = `
create table messages (conversation_id text not null, seq bigint not null, sender_id text not null,
  client_msg_id text not null, server_time bigint not null, content blob, event blob, recalled_by text,
  recalled_at bigint, primary key (conversation_id, seq));
create unique index messages_client_id on messages (conversation_id, sender_id, client_msg_id);
create table conversations (id text primary key, last_seq bigint not null, version bigint not null);`;

const conv = (c: number) => `d:u${c}@starling.local|u${c + CONVERSATIONS}@starling.local`;

function measure(label: string, pragmas: string[]): void {
  const noCheckpoints = pragmas.includes("wal_autocheckpoint = 0");
  const dir = mkdtempSync(join(os.tmpdir(), "starling-sqlite-batch-"));
  const db = new Database(join(dir, "t.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    for (const p of pragmas) db.pragma(p);
    db.exec(SCHEMA);
    const addConv = db.prepare("insert into conversations values (?, 0, 0)");
    for (let c = 0; c < CONVERSATIONS; c++) addConv.run(conv(c));
    const insert = db.prepare(
      `insert into messages values ${Array(MESSAGES).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
    );
    const update = db.prepare("update conversations set last_seq = ?, version = ? where id = ?");
    const seq = new Array<number>(CONVERSATIONS).fill(0);
    const content = Buffer.alloc(66, 0x61);
    let n = 0;
    const ms = { insert: 0, update: 0, commit: 0 };
    for (let b = 0; b < BATCHES; b++) {
      db.exec("begin");
      const args: unknown[] = [];
      const touched = new Set<number>();
      for (let i = 0; i < MESSAGES; i++) {
        const c = (b * 7 + i) % CONVERSATIONS;
        touched.add(c);
        seq[c] = (seq[c] ?? 0) + 1;
        args.push(
          conv(c),
          seq[c],
          `u${c}@starling.local`,
          `s${c}-${n++}`,
          Date.now(),
          content,
          null,
          null,
          null,
        );
      }
      let t = performance.now();
      insert.run(...args);
      ms.insert += performance.now() - t;
      t = performance.now();
      for (const c of touched) update.run(seq[c], b, conv(c));
      ms.update += performance.now() - t;
      t = performance.now();
      db.exec("commit");
      ms.commit += performance.now() - t;
    }
    const per = (x: number) => (x / BATCHES).toFixed(2).padStart(6);
    // Without checkpoints the WAL only grows, so its size is every frame written (page + 24-byte header).
    const pages = noCheckpoints
      ? `   WAL pages per commit ${(walSize(dir) / BATCHES / (4096 + 24)).toFixed(0)}`
      : "";
    process.stdout.write(
      `${label.padEnd(34)} ms per batch: insert ${per(ms.insert)}  update ${per(ms.update)}  commit ${per(ms.commit)}${pages}\n`,
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function walSize(dir: string): number {
  try {
    return statSync(join(dir, "t.db-wal")).size;
  } catch {
    return 0;
  }
}

process.stdout.write(`${BATCHES} batches of ${MESSAGES} messages over ${CONVERSATIONS} conversations\n`);
measure("as the server (defaults)", []);
measure("temp_store = MEMORY", ["temp_store = MEMORY"]);
measure("wal_autocheckpoint = 10000", ["wal_autocheckpoint = 10000"]);
measure("both", ["temp_store = MEMORY", "wal_autocheckpoint = 10000"]);
measure("no checkpoints (counts WAL pages)", ["wal_autocheckpoint = 0"]);

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrations.js";
import type { Database as Schema } from "./schema.js";

export interface SqliteOptions {
  /** File path, or ":memory:". */
  path: string;
  /**
   * "full" fsyncs the WAL at every commit (an acknowledged message survives
   * power loss); "normal" survives a process crash but may lose the last
   * commits on power loss.
   */
  synchronous?: "full" | "normal";
}

/** Opens (creating if needed) an SQLite database in WAL mode and migrates it. */
export async function openSqliteStore(opts: SqliteOptions): Promise<KyselyStore> {
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
  const sqlite = new Database(opts.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  return new KyselyStore(db);
}

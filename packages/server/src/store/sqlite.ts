import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
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

/** Most prepared statements kept; the hot path uses a few dozen distinct texts. */
const STATEMENT_CACHE = 500;

/**
 * Kysely's SQLite driver prepares every query anew; preparing is a
 * noticeable share of the send path, so prepared statements are reused by
 * SQL text (one connection runs one statement at a time, so reuse is safe).
 */
function cachingStatements(db: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = db.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
      }
      cache.set(sql, stmt);
      return stmt as unknown as ReturnType<SqliteDatabase["prepare"]>;
    },
  };
}

/** Opens (creating if needed) an SQLite database in WAL mode and migrates it. */
export async function openSqliteStore(opts: SqliteOptions): Promise<KyselyStore> {
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
  const sqlite = new Database(opts.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma(`synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // Statement journals of multi-row writes stay in memory instead of a temporary file.
  sqlite.pragma("temp_store = MEMORY");
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  return new KyselyStore(db);
}

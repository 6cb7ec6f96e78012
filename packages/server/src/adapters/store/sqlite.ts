import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely } from "kysely";
import type { Metrics } from "../../core/kernel/metrics.js";
import type { Logger } from "../../core/kernel/ports.js";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrations.js";
import type { Database as Schema } from "./schema.js";
import { WorkerSqliteDialect } from "./sqlite-worker-dialect.js";

export interface SqliteOptions {
  /** File path, or ":memory:". */
  path: string;
  /**
   * "full" fsyncs the WAL at every commit (an acknowledged message survives
   * power loss); "normal" survives a process crash but may lose the last
   * commits on power loss.
   */
  synchronous?: "full" | "normal";
  /** Where write failures (a full disk) are logged. */
  log?: Logger;
  /** Where transaction times and write failures are counted. */
  metrics?: Metrics;
}

/**
 * Opens (creating if needed) an SQLite database in WAL mode and migrates it.
 * The connection lives in a worker thread (sqlite-worker.mjs).
 */
export async function openSqliteStore(opts: SqliteOptions): Promise<KyselyStore> {
  if (opts.path !== ":memory:") mkdirSync(dirname(opts.path), { recursive: true });
  const db = new Kysely<Schema>({
    dialect: new WorkerSqliteDialect({ path: opts.path, synchronous: opts.synchronous ?? "full" }),
  });
  await migrateToLatest(db as Kysely<unknown>, "sqlite");
  return new KyselyStore(db, "sqlite", {
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
}

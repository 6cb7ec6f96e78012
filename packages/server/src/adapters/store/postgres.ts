import { Kysely, PostgresDialect } from "kysely";
import type { Metrics } from "../../core/kernel/metrics.js";
import type { Logger } from "../../core/kernel/ports.js";
import { KyselyStore } from "./kysely-store.js";
import { migrateToLatest } from "./migrations.js";
import type { Database as Schema } from "./schema.js";

export interface PostgresOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** A schema to keep every table in (created if missing); default: the server's default (public). */
  schema?: string;
  /** Connections in the pool. */
  poolSize?: number;
  /** Where write failures (a full disk, a lost server) are logged. */
  log?: Logger;
  /** Where transaction times and write failures are counted. */
  metrics?: Metrics;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens a pool on PostgreSQL and migrates the schema. */
export async function openPostgresStore(opts: PostgresOptions): Promise<KyselyStore> {
  if (opts.schema !== undefined && !SCHEMA_NAME.test(opts.schema))
    throw new Error(`not a valid schema name: ${opts.schema}`);
  // Loaded only for a PostgreSQL store.
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    // The schema name is checked above, so it is safe inside the startup option.
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle connection that the server or the network drops is reported
  // here; without a listener it would end the process. The pool replaces it
  // on the next query, and queries meanwhile fail as UNAVAILABLE (retryable).
  pool.on("error", () => {});
  // The same for a connection that drops while checked out between two
  // statements: its pending statement fails on its own.
  pool.on("connect", (client) => client.on("error", () => {}));
  if (opts.schema) {
    const c = await pool.connect();
    try {
      await c.query(`create schema if not exists ${opts.schema}`);
    } finally {
      c.release();
    }
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    const current = (await pool.query<{ s: string }>("select current_schema() as s")).rows[0]?.s;
    await migrateToLatest(db as Kysely<unknown>, "postgres", current);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, "postgres", {
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  });
}

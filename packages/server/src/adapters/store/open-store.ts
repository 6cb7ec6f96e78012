import { join } from "node:path";
import type { Metrics } from "../../core/kernel/metrics.js";
import type { Logger } from "../../core/kernel/ports.js";
import type { KyselyStore } from "./kysely-store.js";
import { openPostgresStore } from "./postgres.js";
import { openSqliteStore } from "./sqlite.js";

/**
 * Chooses the store adapter from the database URL: "" means SQLite in the
 * data folder, sqlite:PATH another SQLite file, postgres://... PostgreSQL.
 */
export function openStore(
  db: string,
  durability: "full" | "normal",
  dataDir: string,
  log?: Logger,
  metrics?: Metrics,
): Promise<KyselyStore> {
  const logged = { ...(log ? { log } : {}), ...(metrics ? { metrics } : {}) };
  if (db.startsWith("postgres://") || db.startsWith("postgresql://"))
    return openPostgresStore({ url: db, ...logged });
  const path = db.startsWith("sqlite:") ? db.slice("sqlite:".length) : join(dataDir, "starling.db");
  return openSqliteStore({ path, synchronous: durability, ...logged });
}

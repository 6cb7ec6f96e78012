import { join } from "node:path";
import type { KyselyStore } from "./kysely-store.js";
import { openSqliteStore } from "./sqlite.js";

/** Chooses the store adapter from the database URL ("" means SQLite in the data folder). */
export function openStore(db: string, durability: "full" | "normal", dataDir: string): Promise<KyselyStore> {
  const path = db.startsWith("sqlite:") ? db.slice("sqlite:".length) : join(dataDir, "starling.db");
  return openSqliteStore({ path, synchronous: durability });
}

import { join } from "node:path";
import type { StarlingConfig } from "../config/load.js";
import type { KyselyStore } from "./kysely-store.js";
import { openSqliteStore } from "./sqlite.js";

/** Chooses the store adapter from the configured database URL. */
export function openStore(config: StarlingConfig, dataDir: string): Promise<KyselyStore> {
  const path = config.db.startsWith("sqlite:") ? config.db.slice("sqlite:".length) : join(dataDir, "starling.db");
  return openSqliteStore({ path, synchronous: config.durability });
}

import type { Kysely } from "kysely";
import type { Store, StoreTx } from "../core/ports.js";
import { KyselyAccess } from "./kysely-access.js";
import type { Database } from "./schema.js";

/** The Store port over any Kysely dialect. */
export class KyselyStore implements Store {
  readonly read: KyselyAccess;

  constructor(readonly db: Kysely<Database>) {
    this.read = new KyselyAccess(db);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new KyselyAccess(trx)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

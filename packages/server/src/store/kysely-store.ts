import type { Kysely } from "kysely";
import type { Store, StoreTx } from "../core/ports.js";
import { KyselyAccess } from "./kysely-access.js";
import type { Dialect } from "./migrations.js";
import type { Database } from "./schema.js";

/** The Store port over any Kysely dialect. */
export class KyselyStore implements Store {
  readonly read: KyselyAccess;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect = "sqlite",
  ) {
    this.read = new KyselyAccess(db, false);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // SQLite runs one transaction at a time; PostgreSQL needs row locks for
    // read-then-write of a conversation's last_seq.
    return this.db.transaction().execute((trx) => fn(new KyselyAccess(trx, this.dialect === "postgres")));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

import type { Kysely } from "kysely";
import type { Store, StoreTx } from "../core/ports.js";
import { KyselyAccess } from "./kysely-access.js";
import type { Dialect } from "./migrations.js";
import type { Database } from "./schema.js";

/** Runs of a transaction that PostgreSQL aborted for a deadlock or a serialization failure. */
const TRANSIENT_RETRIES = 3;

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

/** The Store port over any Kysely dialect. */
export class KyselyStore implements Store {
  readonly read: KyselyAccess;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect = "sqlite",
  ) {
    this.read = new KyselyAccess(db, dialect, false);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // SQLite runs one transaction at a time; PostgreSQL needs row locks for
    // read-then-write of a conversation's last_seq.
    const run = () =>
      this.db
        .transaction()
        .execute((trx) => fn(new KyselyAccess(trx, this.dialect, this.dialect === "postgres")));
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        // Two nodes can still deadlock (say, each creating a chat the other locked first); PostgreSQL
        // aborts one of them, which is then simply run again. `fn` has no effects outside the transaction.
        if (attempt >= TRANSIENT_RETRIES || !isTransient(err)) throw err;
      }
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

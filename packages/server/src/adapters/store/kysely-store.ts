import type { Kysely } from "kysely";
import { type Metrics, NO_METRICS } from "../../core/kernel/metrics.js";
import type { Logger } from "../../core/kernel/ports.js";
import type { Store, StoreReader, StoreTx } from "../../core/store.js";
import { kyselyTx } from "./kysely-tx.js";
import type { Dialect } from "./migrations.js";
import type { Database } from "./schema.js";
import { cannotWriteCause, WriteHealth } from "./write-health.js";

/** Runs of a transaction that PostgreSQL aborted for a deadlock or a serialization failure. */
const TRANSIENT_RETRIES = 3;

/** How often a store that cannot write tries again by itself. */
const PROBE_INTERVAL_MS = 1000;

function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

export interface KyselyStoreOptions {
  /** Where the start and end of a write failure episode are logged. */
  log?: Logger;
  probeIntervalMs?: number;
  /** Where transaction times and write failures are counted. */
  metrics?: Metrics;
}

/** The Store port over any Kysely dialect. */
export class KyselyStore implements Store {
  readonly read: StoreReader;
  private readonly writes: WriteHealth;
  private readonly metrics: Metrics;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect = "sqlite",
    opts: KyselyStoreOptions = {},
  ) {
    this.read = kyselyTx(db, dialect, false);
    this.metrics = opts.metrics ?? NO_METRICS;
    this.writes = new WriteHealth({
      ...(opts.log ? { log: opts.log } : {}),
      probeIntervalMs: opts.probeIntervalMs ?? PROBE_INTERVAL_MS,
      // A write that must reach the disk: SQLite skips rewriting a row with its own value.
      probe: () => this.probe(),
    });
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // SQLite runs one transaction at a time; PostgreSQL needs row locks for
    // read-then-write of a conversation's last_seq.
    const run = () =>
      this.db.transaction().execute((trx) => fn(kyselyTx(trx, this.dialect, this.dialect === "postgres")));
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await run();
        this.writes.succeeded();
        this.timed(started, "committed");
        return result;
      } catch (err) {
        // Two nodes can still deadlock (say, each creating a chat the other locked first); PostgreSQL
        // aborts one of them, which is then simply run again. `fn` has no effects outside the transaction.
        if (attempt < TRANSIENT_RETRIES && isTransient(err)) continue;
        this.timed(started, "failed");
        this.metrics.inc("starling_store_write_errors_total", {
          cause: cannotWriteCause(err) ?? "statement",
        });
        throw this.writes.failed(err) ?? err;
      }
    }
  }

  private timed(started: number, outcome: "committed" | "failed"): void {
    this.metrics.observe("starling_store_transaction_seconds", (performance.now() - started) / 1000, {
      outcome,
    });
  }

  /** A write that must reach the disk: SQLite skips rewriting a row with the value it already has. */
  private async probe(): Promise<void> {
    try {
      const now = Date.now();
      await this.db
        .insertInto("counters")
        .values({ name: "store_probe", value: now })
        .onConflict((oc) => oc.column("name").doUpdateSet({ value: now }))
        .execute();
      this.writes.succeeded();
    } catch (err) {
      throw this.writes.failed(err) ?? err;
    }
  }

  health(): { ok: boolean; detail?: string } {
    return this.writes.health();
  }

  async close(): Promise<void> {
    this.writes.close();
    await this.db.destroy();
  }
}

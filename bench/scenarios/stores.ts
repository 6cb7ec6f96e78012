import type { BenchOptions } from "../lib/args.js";
import { type StoreKind, seededDb } from "../lib/bench-db.js";
import type { OneToOneResult } from "../lib/channel.js";
import type { JobOutcome, RunContext } from "../lib/harness.js";
import type { ScenarioReport } from "../lib/report.js";
import { compareOneToOne, measureOneToOne } from "./one-to-one.js";

/**
 * The 1:1 load on one node, on SQLite and then on PostgreSQL (a fresh
 * schema on the local server), so the two stores are compared under the
 * same load on the same machine.
 */
export async function storesScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const runs: Partial<Record<StoreKind, JobOutcome<OneToOneResult>>> = {};
  for (const kind of ["sqlite", "postgres"] as const) {
    const db = await seededDb(kind, opts.pairs * 2, opts.keepData, ctx.log);
    try {
      runs[kind] = await measureOneToOne(opts, ctx, db, `stores-${kind}`);
    } finally {
      await db.remove();
    }
  }
  return compareOneToOne(
    "stores",
    { label: "sqlite", key: "sqlite", run: runs.sqlite as JobOutcome<OneToOneResult> },
    { label: "postgres", key: "postgres", run: runs.postgres as JobOutcome<OneToOneResult> },
  );
}

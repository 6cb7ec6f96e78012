import { randomBytes } from "node:crypto";
import type { BenchOptions } from "../lib/args.js";
import { seededDb } from "../lib/bench-db.js";
import type { OneToOneResult } from "../lib/channel.js";
import type { JobOutcome, RunContext } from "../lib/harness.js";
import type { ScenarioReport } from "../lib/report.js";
import { compareOneToOne, measureOneToOne } from "./one-to-one.js";

/** The local NATS; STARLING_BENCH_NATS overrides it. */
const BENCH_NATS_URL = process.env.STARLING_BENCH_NATS ?? "nats://127.0.0.1:4222";

/**
 * Cluster mode on PostgreSQL and NATS: the 1:1 load on one node, then on two
 * nodes with every pair split across them (each message crosses the bus).
 * Both nodes run on this machine's two cores, next to PostgreSQL, NATS and
 * the load generator, so this shows the cost of the cluster path, not the
 * capacity a second machine would add.
 */
export async function clusterScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const runs: JobOutcome<OneToOneResult>[] = [];
  for (const nodes of [1, 2]) {
    // A fresh schema per run: the generator's client ids repeat, and the server would rightly dedupe them.
    const db = await seededDb("postgres", opts.pairs * 2, opts.keepData, ctx.log);
    try {
      // A subject prefix per run keeps it apart from anything else on the NATS server.
      const prefix = `bench_${randomBytes(4).toString("hex")}`;
      const busArgs = (i: number) => [
        "--bus",
        BENCH_NATS_URL,
        "--bus-prefix",
        prefix,
        "--node-id",
        `n${i + 1}`,
      ];
      runs.push(await measureOneToOne(opts, ctx, db, `cluster-${nodes}`, nodes, busArgs));
    } finally {
      await db.remove();
    }
  }
  const [one, two] = runs as [JobOutcome<OneToOneResult>, JobOutcome<OneToOneResult>];
  return compareOneToOne(
    "cluster",
    { label: "1 node", key: "oneNode", run: one },
    { label: "2 nodes (pairs split)", key: "twoNodes", run: two },
  );
}

import type { BenchOptions } from "../lib/args.js";
import { type BenchDb, seededDb } from "../lib/bench-db.js";
import type { OneToOneJob, OneToOneResult } from "../lib/channel.js";
import { type JobOutcome, loadReport, type NodeSpec, type RunContext, runJob } from "../lib/harness.js";
import { baselineRows, cpuRows, failureRow, fmt, type Row, type ScenarioReport } from "../lib/report.js";
import type { Endpoint } from "../load/connection.js";

/** Bars from the product brief: sustained 1:1 throughput with a bounded tail. */
export const ONE_TO_ONE_BARS = { messagesPerSec: 15_000, p99Ms: 50 };

/** The 1:1 job for these options; with two or more endpoints, each pair's second user sits on the second node. */
export function oneToOneJob(opts: BenchOptions, tokenSalt: string) {
  return (endpoints: Endpoint[]): OneToOneJob => ({
    scenario: "one-to-one",
    endpoint: endpoints[0] as Endpoint,
    ...(endpoints.length > 1 ? { peerEndpoint: endpoints[1] } : {}),
    tokenSalt,
    pairs: opts.pairs,
    window: opts.window,
    textBytes: opts.textBytes,
    warmupSec: opts.warmupSec,
    durationSec: opts.durationSec,
  });
}

/** Runs the 1:1 job against `nodes` servers on `db`; extra flags per node (bus, node id) come from `nodeArgs`. */
export function measureOneToOne(
  opts: BenchOptions,
  ctx: RunContext,
  db: BenchDb,
  label: string,
  nodes = 1,
  nodeArgs: (i: number) => string[] = () => [],
): Promise<JobOutcome<OneToOneResult>> {
  const specs: NodeSpec[] = Array.from({ length: nodes }, (_, i) => ({
    dir: db.nodeDir(i),
    args: [...db.serverArgs, ...nodeArgs(i)],
  }));
  return runJob<OneToOneResult>("starling", specs, label, oneToOneJob(opts, db.tokenSalt), opts.profile, ctx);
}

/** Throughput and tail rows of one 1:1 run, with the brief's bars when `bars` is set. */
export function oneToOneRows(prefix: string, run: JobOutcome<OneToOneResult>, bars: boolean): Row[] {
  const { result } = run;
  const l = result.latencyMs;
  return [
    {
      metric: `${prefix}messages/s (stored, acked, delivered)`,
      value: fmt.int(result.messagesPerSec),
      ...(bars
        ? {
            bar: `>= ${fmt.int(ONE_TO_ONE_BARS.messagesPerSec)}`,
            pass: result.messagesPerSec >= ONE_TO_ONE_BARS.messagesPerSec,
          }
        : {}),
    },
    { metric: `${prefix}latency p50 (send -> peer)`, value: fmt.ms(l.p50) },
    {
      metric: `${prefix}latency p99`,
      value: fmt.ms(l.p99),
      ...(bars ? { bar: `< ${ONE_TO_ONE_BARS.p99Ms} ms`, pass: l.p99 < ONE_TO_ONE_BARS.p99Ms } : {}),
    },
    { metric: `${prefix}server CPU (all nodes, 1 core = 100 %)`, value: fmt.pct(run.serverCpuPct) },
    {
      // Includes PostgreSQL and NATS when they are in use; with SQLite it should be near zero.
      metric: `${prefix}other processes CPU (database, bus, rest of the machine)`,
      value: fmt.pct(Math.max(0, run.machineCpuPct - run.serverCpuPct - result.loadgenCpuPct)),
    },
    { ...failureRow(result.failures), metric: `${prefix}failures` },
  ];
}

/** One 1:1 run of a comparison: its label in the table, its key in the JSON file. */
export interface LabelledRun {
  label: string;
  key: string;
  run: JobOutcome<OneToOneResult>;
}

/** The report of two 1:1 runs side by side, with the second's throughput as a share of the first's. */
export function compareOneToOne(scenario: string, a: LabelledRun, b: LabelledRun): ScenarioReport {
  const figures = (x: LabelledRun) => ({
    ...x.run.result,
    serverCpuPct: x.run.serverCpuPct,
    serverWarnings: x.run.serverWarnings,
  });
  const share = b.run.result.messagesPerSec / Math.max(1, a.run.result.messagesPerSec);
  return {
    scenario,
    rows: [
      ...oneToOneRows(`${a.label}: `, a.run, false),
      ...oneToOneRows(`${b.label}: `, b.run, false),
      { metric: `${b.label} / ${a.label} messages/s`, value: fmt.pct(share * 100) },
    ],
    data: { [a.key]: figures(a), [b.key]: figures(b) },
  };
}

/** 1:1 chat over TLS on SQLite: every user of 100 pairs sends to its peer, closed loop. */
export async function oneToOneScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const data = await seededDb("sqlite", opts.pairs * 2, opts.keepData, ctx.log);
  try {
    const run = await measureOneToOne(opts, ctx, data, "one-to-one");
    const base = opts.baseline
      ? await runJob<OneToOneResult>(
          "relay",
          [{ dir: data.nodeDir(0), args: [] }],
          "one-to-one-relay",
          oneToOneJob(opts, data.tokenSalt),
          false,
          ctx,
        )
      : undefined;
    const { result, serverCpuPct } = run;
    const l = result.latencyMs;
    const rows: Row[] = [
      ...oneToOneRows("", run, true).slice(0, 3),
      { metric: "latency max", value: fmt.ms(l.max) },
      { metric: "connections (TLS) x window", value: `${result.connections} x ${result.window}` },
      ...cpuRows(serverCpuPct, result.loadgenCpuPct, run.machineCpuPct),
      failureRow(result.failures),
      ...(base
        ? baselineRows(
            "messages/s",
            result.messagesPerSec,
            base.result.messagesPerSec,
            base.result.latencyMs.p99,
          )
        : []),
    ];
    return loadReport("one-to-one", rows, run, base);
  } finally {
    await data.remove();
  }
}

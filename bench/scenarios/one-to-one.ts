import type { BenchOptions } from "../lib/args.js";
import type { OneToOneJob, OneToOneResult } from "../lib/channel.js";
import { loadReport, type RunContext, runJob, seededDataDir } from "../lib/harness.js";
import { baselineRows, cpuRows, failureRow, fmt, type Row, type ScenarioReport } from "../lib/report.js";
import type { Endpoint } from "../load/connection.js";

/** Bars from the product brief: sustained 1:1 throughput with a bounded tail. */
export const ONE_TO_ONE_BARS = { messagesPerSec: 15_000, p99Ms: 50 };

/** 1:1 chat over TLS: every user of 100 pairs sends to its peer, closed loop. */
export async function oneToOneScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const data = await seededDataDir(opts.pairs * 2, opts.keepData, ctx.log);
  try {
    const job = (endpoint: Endpoint): OneToOneJob => ({
      scenario: "one-to-one",
      endpoint,
      tokenSalt: data.tokenSalt,
      pairs: opts.pairs,
      window: opts.window,
      textBytes: opts.textBytes,
      warmupSec: opts.warmupSec,
      durationSec: opts.durationSec,
    });
    const run = await runJob<OneToOneResult>("starling", data.dir, "one-to-one", job, opts.profile, ctx);
    const base = opts.baseline
      ? await runJob<OneToOneResult>("relay", data.dir, "one-to-one-relay", job, false, ctx)
      : undefined;
    const { result, serverCpuPct } = run;
    const l = result.latencyMs;
    const rows: Row[] = [
      {
        metric: "messages/s (stored, acked, delivered)",
        value: fmt.int(result.messagesPerSec),
        bar: `>= ${fmt.int(ONE_TO_ONE_BARS.messagesPerSec)}`,
        pass: result.messagesPerSec >= ONE_TO_ONE_BARS.messagesPerSec,
      },
      { metric: "latency p50 (send -> peer)", value: fmt.ms(l.p50) },
      {
        metric: "latency p99",
        value: fmt.ms(l.p99),
        bar: `< ${ONE_TO_ONE_BARS.p99Ms} ms`,
        pass: l.p99 < ONE_TO_ONE_BARS.p99Ms,
      },
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
    data.remove();
  }
}

import type { BenchOptions } from "../lib/args.js";
import { seededDb } from "../lib/bench-db.js";
import type { GroupJob, GroupResult } from "../lib/channel.js";
import { loadReport, type RunContext, runJob } from "../lib/harness.js";
import { baselineRows, cpuRows, failureRow, fmt, type Row, type ScenarioReport } from "../lib/report.js";
import type { Endpoint } from "../load/connection.js";

/** Bar from the product brief: fan-out rate of one large group. */
export const GROUP_BARS = { deliveriesPerSec: 150_000 };

/** One large group, every member online over WebSocket, a few members sending. */
export async function groupScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const data = await seededDb("sqlite", opts.groupMembers, opts.keepData, ctx.log);
  try {
    const node = { dir: data.nodeDir(0), args: data.serverArgs };
    const job = ([endpoint]: Endpoint[]): GroupJob => ({
      scenario: "group",
      endpoint: endpoint as Endpoint,
      tokenSalt: data.tokenSalt,
      members: opts.groupMembers,
      senders: opts.groupSenders,
      window: opts.groupWindow,
      textBytes: opts.textBytes,
      warmupSec: opts.warmupSec,
      durationSec: opts.durationSec,
    });
    const run = await runJob<GroupResult>("starling", [node], "group", job, opts.profile, ctx);
    const base = opts.baseline
      ? await runJob<GroupResult>("relay", [node], "group-relay", job, false, ctx)
      : undefined;
    const { result, serverCpuPct } = run;
    const l = result.latencyMs;
    const rows: Row[] = [
      {
        metric: "deliveries/s (to members but the sender)",
        value: fmt.int(result.deliveriesPerSec),
        bar: `>= ${fmt.int(GROUP_BARS.deliveriesPerSec)}`,
        pass: result.deliveriesPerSec >= GROUP_BARS.deliveriesPerSec,
      },
      { metric: "messages/s (acked, delivered to all)", value: fmt.int(result.messagesPerSec) },
      { metric: "delivery latency p50", value: fmt.ms(l.p50) },
      { metric: "delivery latency p99", value: fmt.ms(l.p99) },
      { metric: "delivery latency max", value: fmt.ms(l.max) },
      {
        metric: "members (WebSocket) / senders x window",
        value: `${result.members} / ${result.senders} x ${result.window}`,
      },
      ...cpuRows(serverCpuPct, result.loadgenCpuPct, run.machineCpuPct),
      failureRow(result.failures),
      ...(base
        ? baselineRows(
            "deliveries/s",
            result.deliveriesPerSec,
            base.result.deliveriesPerSec,
            base.result.latencyMs.p99,
          )
        : []),
    ];
    return loadReport("group", rows, run, base);
  } finally {
    await data.remove();
  }
}

import type { BenchOptions } from "../lib/args.js";
import { seededDb } from "../lib/bench-db.js";
import type { XmppJob, XmppResult } from "../lib/channel.js";
import { type JobOutcome, type RunContext, runJob } from "../lib/harness.js";
import { cpuRows, failureRow, fmt, type Row, type ScenarioReport } from "../lib/report.js";
import type { Endpoint } from "../load/connection.js";

/**
 * One run on a fresh database: the server is a fresh process on fresh data
 * each time, and the bench's message ids ("s<sender>-<n>") are only unique
 * within a database (the server would take a repeat for a retry).
 */
async function measure(
  opts: BenchOptions,
  ctx: RunContext,
  receivers: XmppJob["receivers"],
  profile: boolean,
): Promise<JobOutcome<XmppResult>> {
  const data = await seededDb("sqlite", opts.pairs * 2, opts.keepData, ctx.log, { scram: true });
  try {
    return await runJob<XmppResult>(
      "starling",
      [{ dir: data.nodeDir(0), args: data.serverArgs }],
      receivers === "xmpp" ? "xmpp" : "xmpp-to-native",
      ([endpoint]: Endpoint[]): XmppJob => ({
        scenario: "xmpp",
        endpoint: endpoint as Endpoint,
        tokenSalt: data.tokenSalt,
        pairs: opts.pairs,
        receivers,
        window: opts.window,
        textBytes: opts.textBytes,
        warmupSec: opts.warmupSec,
        durationSec: opts.durationSec,
      }),
      profile,
      ctx,
    );
  } finally {
    await data.remove();
  }
}

const figures = (o: JobOutcome<XmppResult>) => ({
  ...o.result,
  serverCpuPct: o.serverCpuPct,
  machineCpuPct: o.machineCpuPct,
  serverRssMiB: o.serverRssMiB,
  serverWarnings: o.serverWarnings,
});

/**
 * 1:1 chat through the XMPP gateway on SQLite: 100 pairs (--pairs) of users
 * on XMPP over STARTTLS, both sending, closed loop (--window); then the same
 * pairs with the receiver on the native protocol and only the XMPP user
 * sending. Only the first run is profiled under --profile.
 */
export async function xmppScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const run = await measure(opts, ctx, "xmpp", opts.profile);
  const mixed = await measure(opts, ctx, "native", false);
  const { result } = run;
  const l = result.latencyMs;
  const m = mixed.result;
  const rows: Row[] = [
    { metric: "messages/s (stored, delivered to the peer)", value: fmt.int(result.messagesPerSec) },
    { metric: "latency p50 (send -> peer)", value: fmt.ms(l.p50) },
    { metric: "latency p99", value: fmt.ms(l.p99) },
    { metric: "latency max", value: fmt.ms(l.max) },
    {
      metric: "connections (XMPP, STARTTLS) x window",
      value: `${result.xmppConnections} x ${result.window}`,
    },
    {
      metric: "logins (STARTTLS, SCRAM-SHA-256, bind)",
      value: `${result.xmppConnections} in ${result.xmppLoginSec.toFixed(1)} s`,
    },
    ...cpuRows(run.serverCpuPct, result.loadgenCpuPct, run.machineCpuPct),
    { metric: "server RSS at the end of the window", value: `${fmt.int(run.serverRssMiB)} MiB` },
    failureRow(result.failures),
    {
      metric: "XMPP -> native: messages/s (one sender per pair)",
      value: fmt.int(m.messagesPerSec),
    },
    {
      metric: "XMPP -> native: latency p50 / p99",
      value: `${fmt.ms(m.latencyMs.p50)} / ${fmt.ms(m.latencyMs.p99)}`,
    },
    { metric: "XMPP -> native: server CPU", value: fmt.pct(mixed.serverCpuPct) },
    { ...failureRow(m.failures), metric: "XMPP -> native: failures" },
  ];
  return {
    scenario: "xmpp",
    rows,
    data: { xmpp: figures(run), xmppToNative: figures(mixed) },
    profile: run.profile,
  };
}

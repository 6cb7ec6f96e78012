/**
 * The pieces every scenario repeats: servers started on a seeded database
 * (optionally under the CPU profiler), and a load generator job run to its
 * result while the servers' CPU is metered.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Endpoint } from "../load/connection.js";
import type { LoadgenJob } from "./channel.js";
import type { ChildRegistry } from "./children.js";
import { type ProfileSummary, type ProfileWindow, summariseProfile } from "./cpuprofile.js";
import { LoadgenProcess } from "./loadgen-process.js";
import { OUT_DIR } from "./paths.js";
import { CpuMeter, rssKb } from "./proc-stats.js";
import type { Row, ScenarioReport } from "./report.js";
import { type RunningServer, type ServerProgram, startServer } from "./server-process.js";

export type Log = (message: string) => void;

/** What every scenario is handed by run.ts. */
export interface RunContext {
  log: Log;
  children: ChildRegistry;
  /** Set by --profile-loadgen: where the generator's own CPU profiles go. */
  loadgenProfileDir?: string;
}

/** One server process to start: its data folder and the flags beyond the bench defaults (database, bus, node id). */
export interface NodeSpec {
  dir: string;
  args: string[];
}

export interface BenchServer {
  server: RunningServer;
  /** Stops the server; returns the profile's summary (cut to `window` if given) when it ran under --profile. */
  finish(window?: ProfileWindow): Promise<ProfileSummary | undefined>;
}

export async function startBenchServer(
  program: ServerProgram,
  node: NodeSpec,
  label: string,
  profile: boolean,
  ctx: RunContext,
): Promise<BenchServer> {
  const { log } = ctx;
  const profileDir = join(OUT_DIR, `profile-${label}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  if (profile) mkdirSync(profileDir, { recursive: true });
  const server = await startServer({
    program,
    dataDir: node.dir,
    args: node.args,
    children: ctx.children,
    profileDir: profile ? profileDir : undefined,
  });
  const what = program === "relay" ? "baseline relay" : "server";
  log(
    `${what} pid ${server.pid}: tls 127.0.0.1:${server.tcpPort}, ws 127.0.0.1:${server.httpPort}${server.xmppPort ? `, xmpp 127.0.0.1:${server.xmppPort}` : ""}${profile ? " (profiling)" : ""}`,
  );
  return {
    server,
    finish: async (window) => {
      await server.stop();
      if (!profile) return undefined;
      // Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
      const main = readdirSync(profileDir).find(
        (f) => f.includes(`.${server.pid}.0.`) && f.endsWith(".cpuprofile"),
      );
      if (!main) throw new Error(`the server exited but wrote no main-thread profile into ${profileDir}`);
      log(`profile written: ${join(profileDir, main)}`);
      return summariseProfile(join(profileDir, main), 20, window);
    },
  };
}

export interface JobOutcome<R> {
  result: R;
  /** Server CPU over the measured window, all threads (one core = 100). */
  serverCpuPct: number;
  /** The whole machine's busy CPU over the same window (one core = 100). */
  machineCpuPct: number;
  /** The servers' resident memory (summed) when the measured window closed, in MiB. */
  serverRssMiB: number;
  serverWarnings: Record<string, number>;
  profile?: ProfileSummary;
}

/** The report of a load scenario: its rows, and everything measured (with the baseline run, if any) for the JSON file. */
export function loadReport<R extends object>(
  scenario: string,
  rows: Row[],
  run: JobOutcome<R>,
  base: JobOutcome<R> | undefined,
): ScenarioReport {
  return {
    scenario,
    rows,
    data: {
      ...run.result,
      serverCpuPct: run.serverCpuPct,
      machineCpuPct: run.machineCpuPct,
      serverRssMiB: run.serverRssMiB,
      serverWarnings: run.serverWarnings,
      baseline: base && { ...base.result, serverCpuPct: base.serverCpuPct },
    },
    profile: run.profile,
  };
}

/**
 * Starts `program` on each node (together), runs one closed-loop job against
 * them to its result while metering the servers' CPU (summed), and stops
 * them. Only the first node is profiled.
 */
export async function runJob<R>(
  program: ServerProgram,
  nodes: readonly NodeSpec[],
  label: string,
  job: (endpoints: Endpoint[]) => LoadgenJob,
  profile: boolean,
  ctx: RunContext,
): Promise<JobOutcome<R>> {
  const started = await Promise.allSettled(
    nodes.map((node, i) =>
      startBenchServer(program, node, i === 0 ? label : `${label}-n${i}`, profile && i === 0, ctx),
    ),
  );
  const runs = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(runs.map((r) => r.finish().catch(() => undefined)));
    throw failed.reason;
  }
  let outcome: LoadOutcome<R>;
  try {
    const endpoints = runs.map((r) => ({
      host: "127.0.0.1",
      tcpPort: r.server.tcpPort,
      httpPort: r.server.httpPort,
      xmppPort: r.server.xmppPort,
    }));
    outcome = await runLoadJob<R>(
      job(endpoints),
      runs.map((r) => r.server.pid),
      ctx,
    );
  } catch (err) {
    await Promise.all(runs.map((r) => r.finish().catch(() => undefined)));
    throw err;
  }
  const [first, ...others] = runs as [BenchServer, ...BenchServer[]];
  const summary = await first.finish(outcome.window);
  await Promise.all(others.map((r) => r.finish()));
  const serverWarnings: Record<string, number> = {};
  for (const r of runs)
    for (const [msg, n] of Object.entries(r.server.warnings))
      serverWarnings[msg] = (serverWarnings[msg] ?? 0) + n;
  return {
    result: outcome.result,
    serverCpuPct: outcome.serverCpuPct,
    machineCpuPct: outcome.machineCpuPct,
    serverRssMiB: outcome.serverRssMiB,
    serverWarnings,
    profile: summary,
  };
}

interface LoadOutcome<R> {
  result: R;
  serverCpuPct: number;
  machineCpuPct: number;
  serverRssMiB: number;
  window: ProfileWindow;
}

/** Runs one closed-loop job to its result; `serverCpuPct` covers the measured window only. */
async function runLoadJob<R>(
  job: LoadgenJob,
  serverPids: number[],
  ctx: RunContext,
): Promise<LoadOutcome<R>> {
  const cpu = new CpuMeter(serverPids);
  let serverRssKb = 0;
  const lg = new LoadgenProcess(job, {
    children: ctx.children,
    onProgress: ctx.log,
    onPhase: (phase) => {
      if (phase === "measure-start") {
        cpu.start();
        return;
      }
      cpu.stop();
      try {
        serverRssKb = serverPids.reduce((sum, pid) => sum + rssKb(pid), 0);
      } catch {
        // A server gone by now fails the job on its own; its memory is not the news.
        serverRssKb = 0;
      }
    },
    profileDir: ctx.loadgenProfileDir,
  });
  try {
    const timeoutMs = "durationSec" in job ? (job.warmupSec + job.durationSec) * 1000 + 180_000 : 900_000;
    const { result } = await lg.next("result", timeoutMs);
    return {
      result: result as R,
      serverCpuPct: cpu.pct,
      machineCpuPct: cpu.machinePct,
      serverRssMiB: Math.round(serverRssKb / 1024),
      window: { startUs: cpu.startUs, endUs: cpu.endUs },
    };
  } finally {
    await lg.end();
  }
}

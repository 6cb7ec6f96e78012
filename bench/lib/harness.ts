/**
 * The pieces every scenario repeats: a fresh data folder with seeded users,
 * a server started on it (optionally under the CPU profiler), and a load
 * generator job run to its result while the server's CPU is metered.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import type { Endpoint } from "../load/connection.js";
import type { LoadgenJob } from "./channel.js";
import type { ChildRegistry } from "./children.js";
import { type ProfileSummary, type ProfileWindow, summariseProfile } from "./cpuprofile.js";
import { LoadgenProcess } from "./loadgen-process.js";
import { OUT_DIR } from "./paths.js";
import { CpuMeter } from "./proc-stats.js";
import type { Row, ScenarioReport } from "./report.js";
import { seedUsers } from "./seed.js";
import { type RunningServer, type ServerProgram, startServer } from "./server-process.js";

export type Log = (message: string) => void;

/** What every scenario is handed by run.ts. */
export interface RunContext {
  log: Log;
  children: ChildRegistry;
  /** Set by --profile-loadgen: where the generator's own CPU profiles go. */
  loadgenProfileDir?: string;
}

export interface DataDir {
  dir: string;
  tokenSalt: string;
  remove(): void;
}

export async function seededDataDir(users: number, keep: boolean, log: Log): Promise<DataDir> {
  const dir = mkdtempSync(join(os.tmpdir(), "starling-bench-"));
  const tokenSalt = randomBytes(12).toString("base64url");
  log(`seeding ${users} users into ${dir}`);
  await seedUsers(dir, users, tokenSalt);
  return {
    dir,
    tokenSalt,
    remove: () => {
      if (keep) log(`kept data folder ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchServer {
  server: RunningServer;
  /** Stops the server; returns the profile's summary (cut to `window` if given) when it ran under --profile. */
  finish(window?: ProfileWindow): Promise<ProfileSummary | undefined>;
}

export async function startBenchServer(
  program: ServerProgram,
  dir: string,
  label: string,
  profile: boolean,
  ctx: RunContext,
): Promise<BenchServer> {
  const { log } = ctx;
  const profileDir = join(OUT_DIR, `profile-${label}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  if (profile) mkdirSync(profileDir, { recursive: true });
  const server = await startServer({
    program,
    dataDir: dir,
    children: ctx.children,
    profileDir: profile ? profileDir : undefined,
  });
  const what = program === "relay" ? "baseline relay" : "server";
  log(
    `${what} pid ${server.pid}: tls 127.0.0.1:${server.tcpPort}, ws 127.0.0.1:${server.httpPort}${profile ? " (profiling)" : ""}`,
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
      serverWarnings: run.serverWarnings,
      baseline: base && { ...base.result, serverCpuPct: base.serverCpuPct },
    },
    profile: run.profile,
  };
}

/**
 * Starts `program` on the data folder, runs one closed-loop job against it
 * to its result while metering the server's CPU, and stops the server.
 */
export async function runJob<R>(
  program: ServerProgram,
  dir: string,
  label: string,
  job: (endpoint: Endpoint) => LoadgenJob,
  profile: boolean,
  ctx: RunContext,
): Promise<JobOutcome<R>> {
  const run = await startBenchServer(program, dir, label, profile, ctx);
  let outcome: { result: R; serverCpuPct: number; machineCpuPct: number; window: ProfileWindow };
  try {
    const endpoint = { host: "127.0.0.1", tcpPort: run.server.tcpPort, httpPort: run.server.httpPort };
    outcome = await runLoadJob<R>(job(endpoint), run.server.pid, ctx);
  } catch (err) {
    await run.finish().catch(() => undefined);
    throw err;
  }
  const summary = await run.finish(outcome.window);
  return {
    result: outcome.result,
    serverCpuPct: outcome.serverCpuPct,
    machineCpuPct: outcome.machineCpuPct,
    serverWarnings: run.server.warnings,
    profile: summary,
  };
}

/** Runs one closed-loop job to its result; `serverCpuPct` covers the measured window only. */
async function runLoadJob<R>(
  job: LoadgenJob,
  serverPid: number,
  ctx: RunContext,
): Promise<{ result: R; serverCpuPct: number; machineCpuPct: number; window: ProfileWindow }> {
  const cpu = new CpuMeter(serverPid);
  const lg = new LoadgenProcess(job, {
    children: ctx.children,
    onProgress: ctx.log,
    onPhase: (phase) => (phase === "measure-start" ? cpu.start() : cpu.stop()),
    profileDir: ctx.loadgenProfileDir,
  });
  try {
    const timeoutMs = "durationSec" in job ? (job.warmupSec + job.durationSec) * 1000 + 180_000 : 900_000;
    const { result } = await lg.next("result", timeoutMs);
    return {
      result: result as R,
      serverCpuPct: cpu.pct,
      machineCpuPct: cpu.machinePct,
      window: { startUs: cpu.startUs, endUs: cpu.endUs },
    };
  } finally {
    await lg.end();
  }
}

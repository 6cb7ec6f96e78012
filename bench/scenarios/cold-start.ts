import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asFlags, LOOPBACK_ANY_PORT } from "@starling/server";
import type { BenchOptions } from "../lib/args.js";
import type { RunContext } from "../lib/harness.js";
import { REPO_ROOT } from "../lib/paths.js";
import { cpuSeconds } from "../lib/proc-stats.js";
import { fmt, type Row, type ScenarioReport } from "../lib/report.js";

/** Goal from the issue: the compiled server listens within a second of being started. */
export const COLD_START_BARS = { compiledMs: 1000 };

const BIN = join(REPO_ROOT, "packages/cli/bin/starling.mjs");
const START_TIMEOUT_MS = 120_000;

/** How each is started: the sources as `npm start` does, the build as an installed `starling`. */
const MODES = {
  source: ["--conditions=starling-source", BIN],
  compiled: [BIN],
} as const;
type Mode = keyof typeof MODES;

interface Start {
  /** From spawn to the "starling is listening" log line. */
  ms: number;
  /** The process's CPU time (user + system) until then. */
  cpuMs: number;
}

/**
 * Exec to "listening": `starling serve` started as a new process, once from the TypeScript
 * sources through tsx and once from the compiled JavaScript (built first with
 * `node scripts/build.mjs --no-web`), each on a data folder it has already started on once
 * (so the first start's database creation, certificate and administrator are not in it),
 * alternating, `--cold-runs` times each; the median of each.
 */
export async function coldStartScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  ctx.log("building the compiled packages");
  const built = spawnSync(process.execPath, ["scripts/build.mjs", "--no-web"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (built.status !== 0) throw new Error(`the build failed (exit ${built.status})`);
  const dirs = { source: tempDir(), compiled: tempDir() };
  const starts: Record<Mode, Start[]> = { source: [], compiled: [] };
  const first: Record<Mode, Start | undefined> = { source: undefined, compiled: undefined };
  try {
    for (const mode of ["source", "compiled"] as const) first[mode] = await startOnce(mode, dirs[mode], ctx);
    for (let i = 0; i < opts.coldRuns; i++) {
      for (const mode of ["source", "compiled"] as const) {
        const s = await startOnce(mode, dirs[mode], ctx);
        starts[mode].push(s);
        ctx.log(
          `${mode} start ${i + 1}/${opts.coldRuns}: ${s.ms.toFixed(0)} ms (${s.cpuMs.toFixed(0)} ms CPU)`,
        );
      }
    }
  } finally {
    for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  }
  const rows: Row[] = [];
  for (const mode of ["source", "compiled"] as const) {
    const ms = median(starts[mode].map((s) => s.ms));
    rows.push({
      metric: `${mode}: exec to listening, median of ${opts.coldRuns}`,
      value: fmt.ms(ms),
      ...(mode === "compiled"
        ? { bar: `< ${COLD_START_BARS.compiledMs} ms`, pass: ms < COLD_START_BARS.compiledMs }
        : {}),
    });
    rows.push({
      metric: `${mode}: min / max`,
      value: `${fmt.ms(Math.min(...starts[mode].map((s) => s.ms)))} / ${fmt.ms(Math.max(...starts[mode].map((s) => s.ms)))}`,
    });
    rows.push({
      metric: `${mode}: CPU until listening, median`,
      value: fmt.ms(median(starts[mode].map((s) => s.cpuMs))),
    });
    rows.push({
      metric: `${mode}: first start on an empty data folder`,
      value: fmt.ms(first[mode]?.ms ?? 0),
    });
  }
  return { scenario: "cold-start", rows, data: { starts, first } };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "starling-cold-start-"));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Starts `starling serve`, waits for its "listening" line, then stops it with SIGTERM and waits for it to exit. */
async function startOnce(mode: Mode, dataDir: string, ctx: RunContext): Promise<Start> {
  const env = { ...process.env };
  // This process runs under tsx with the sources' condition; the compiled start must not inherit either.
  delete env.NODE_OPTIONS;
  const args = [...MODES[mode], "serve", "--data-dir", dataDir, ...asFlags(LOOPBACK_ANY_PORT)];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  ctx.children.track(child);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let tail = "";
  try {
    return await new Promise<Start>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${mode} start not listening within ${START_TIMEOUT_MS / 1000} s:\n${tail}`)),
        START_TIMEOUT_MS,
      );
      let buffered = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        tail = (tail + chunk).slice(-4096);
        buffered += chunk;
        for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.includes('"msg":"starling is listening"')) {
            clearTimeout(timer);
            resolve({ ms: performance.now() - t0, cpuMs: cpuSeconds(child.pid as number) * 1000 });
          }
        }
      });
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        tail = (tail + chunk).slice(-4096);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${mode} start exited with ${code} before listening:\n${tail}`));
      });
    });
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

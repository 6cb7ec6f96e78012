import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { asFlags, LOOPBACK_ANY_PORT, type RuntimeInfo } from "../../src/index.js";

const ROOT = resolve(import.meta.dirname, "../../../..");
/** The shipped entry, which catches stop signals before it loads the TypeScript loader. */
export const BIN = join(ROOT, "packages/cli/bin/starling.mjs");

/** Runs a `starling` CLI command to completion and returns its stdout; throws on a non-zero exit. */
export function starling(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): string {
  return execFileSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    input: opts.input ?? "",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/**
 * A `starling` CLI command without blocking this process (for commands that
 * must reach a server running in it); resolves with its exit status and output.
 */
export function starlingAsync(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", BIN, ...args],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...opts.env } },
      (err, stdout, stderr) =>
        done({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs a `starling` command expected to fail; returns its exit status and stderr. */
export function starlingFails(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): { status: number; stdout: string; stderr: string } {
  try {
    starling(args, opts);
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: String(e.stdout), stderr: String(e.stderr) };
  }
  throw new Error(`starling ${args.join(" ")} succeeded but was expected to fail`);
}

/** `starling serve` as a separate process, for tests that kill it. */
export class ChildServer {
  proc: ChildProcess | undefined;
  info: RuntimeInfo | undefined;

  constructor(
    readonly dataDir: string,
    readonly extraArgs: string[] = [],
  ) {}

  get runtimeFile(): string {
    return join(this.dataDir, "server.json");
  }

  /** Starts the process without waiting for it to listen. */
  launch(): ChildProcess {
    rmSync(this.runtimeFile, { force: true });
    const args = [
      BIN,
      "serve",
      "--data-dir",
      this.dataDir,
      ...asFlags(LOOPBACK_ANY_PORT),
      "--log-level",
      "warn",
      ...this.extraArgs,
    ];
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    this.proc = proc;
    return proc;
  }

  async start(): Promise<RuntimeInfo> {
    const file = this.runtimeFile;
    const proc = this.launch();
    let exited = false;
    proc.once("exit", () => {
      exited = true;
    });
    // The server writes its ports once it listens; poll for the file rather than sleeping a fixed time.
    for (let i = 0; i < 600 && !exited; i++) {
      if (existsSync(file)) {
        const info = JSON.parse(readFileSync(file, "utf8")) as RuntimeInfo;
        if (info.pid === proc.pid) {
          this.info = info;
          return info;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("server did not start");
  }

  /** SIGKILL: no shutdown code runs. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await gone;
  }

  /** Sends `signal` and resolves with how the process ended. */
  async signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const p = this.proc;
    if (!p) throw new Error("not started");
    if (p.exitCode !== null || p.signalCode !== null) return { code: p.exitCode, signal: p.signalCode };
    const gone = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      p.once("exit", (code, sig) => r({ code, signal: sig })),
    );
    p.kill(signal);
    return gone;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await gone;
  }
}

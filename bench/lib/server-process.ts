/**
 * The system under test as a child process, started exactly as an operator
 * would (`starling serve`), so the benchmark measures the real composition
 * root and the server's CPU and memory are its own process's. The baseline
 * relay is started the same way and announces itself the same way.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { asFlags, LOOPBACK_ANY_PORT } from "@starling/server";
import { onJsonLines } from "./channel.js";
import type { ChildRegistry } from "./children.js";
import { REPO_ROOT } from "./paths.js";
import { listeningPorts } from "./proc-stats.js";

/** "starling": the real server. "relay": the transport-only baseline (bench/baseline/relay-server.ts). */
export type ServerProgram = "starling" | "relay";

export interface ServerOptions {
  program: ServerProgram;
  dataDir: string;
  /** More `starling serve` flags: --db, --bus, --node-id... */
  args?: string[];
  children: ChildRegistry;
  /**
   * Write V8 CPU profiles into this folder when the server exits: one per
   * thread, since tsx runs its module loader on a worker thread.
   */
  profileDir?: string;
}

export interface RunningServer {
  pid: number;
  tcpPort: number;
  httpPort: number;
  /** The XMPP client-to-server listener; 0 when the server has none (the relay, xmpp.enabled off). */
  xmppPort: number;
  /** Warning and error log lines by message, e.g. {"slow consumer disconnected": 3}. */
  readonly warnings: Record<string, number>;
  /** Stops with SIGTERM (the server's clean shutdown, which also writes the profile). */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const TAIL_BYTES = 8192;

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const infoFile = join(opts.dataDir, "server.json");
  rmSync(infoFile, { force: true });
  const nodeFlags = opts.profileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.profileDir] : [];
  const args = [
    ...nodeFlags,
    "--conditions=starling-source",
    "--import",
    "tsx",
    ...programArgs(opts.program, opts.dataDir),
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  opts.children.track(child);
  const warnings: Record<string, number> = {};
  let tail = "";
  const keepTail = (chunk: string) => {
    tail = (tail + chunk).slice(-TAIL_BYTES);
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", keepTail);
  // STARLING_BENCH_SERVER_LOGS=DIR keeps each server's whole output (for finding out why a run went wrong).
  const logDir = process.env.STARLING_BENCH_SERVER_LOGS;
  if (logDir) {
    const out = createWriteStream(join(logDir, `server-${child.pid}.log`));
    child.stdout.pipe(out);
    child.stderr.pipe(out);
  }
  // Pino writes one JSON object per line; count warnings and errors by message.
  onJsonLines<{ level?: number; msg?: string }>(
    child.stdout,
    (rec) => {
      if ((rec.level ?? 0) >= 40) warnings[rec.msg ?? "?"] = (warnings[rec.msg ?? "?"] ?? 0) + 1;
    },
    () => {},
  );
  child.stderr.on("data", keepTail);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before it was ready:\n${tail}`);
    if (existsSync(infoFile)) {
      const info = JSON.parse(readFileSync(infoFile, "utf8")) as {
        pid: number;
        tcpPort: number;
        httpPort: number;
        xmppPort?: number;
      };
      if (info.pid !== child.pid) throw new Error(`server.json names pid ${info.pid}, expected ${child.pid}`);
      return {
        pid: info.pid,
        tcpPort: info.tcpPort,
        httpPort: info.httpPort,
        xmppPort: info.xmppPort ?? (opts.program === "starling" ? otherListener(info) : 0),
        warnings,
        stop: () => stop(child, exited, () => tail),
      };
    }
    if (Date.now() > deadline) {
      await stop(child, exited, () => tail);
      throw new Error(`server not ready within ${READY_TIMEOUT_MS / 1000}s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * server.json names the native and HTTP ports only; the XMPP listener (asked
 * for on port 0) is the one other port the server listens on. The file is
 * written after every listener is up, so the port is there by now.
 */
function otherListener(info: { pid: number; tcpPort: number; httpPort: number }): number {
  const others = listeningPorts(info.pid).filter((p) => p !== info.tcpPort && p !== info.httpPort);
  return others.length === 1 ? (others[0] as number) : 0;
}

async function stop(child: ChildProcess, exited: Promise<number | null>, tail: () => string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (code === "timeout") {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`server did not stop within ${STOP_TIMEOUT_MS / 1000}s of SIGTERM; killed:\n${tail()}`);
  }
}

function programArgs(program: ServerProgram, dataDir: string): string[] {
  if (program === "relay") return ["bench/baseline/relay-server.ts", "--data-dir", dataDir];
  return [
    "packages/cli/src/bin.ts",
    "serve",
    ...["--data-dir", dataDir, ...asFlags(LOOPBACK_ANY_PORT)],
    // Every bench connection comes from 127.0.0.1: the per-connection rate limit is lifted so it does not cap the load.
    ...[
      "--log-level",
      process.env.STARLING_BENCH_SERVER_LOGS ? "debug" : "warn",
      "--limits-requests-per-second",
      "100000",
      "--limits-request-burst",
      "100000",
    ],
    // ...and so are the per-address and per-user connection caps; thousands of logins at once may take a while.
    ...["--limits-exempt-addresses", "127.0.0.1", "--limits-max-sessions-per-user", "0"],
    ...["--limits-login-timeout-ms", "120000", "--limits-tls-handshake-timeout-ms", "120000"],
  ];
}

import type { BenchOptions } from "../lib/args.js";
import { seededDb } from "../lib/bench-db.js";
import type { IdleOpened } from "../lib/channel.js";
import { type RunContext, startBenchServer } from "../lib/harness.js";
import { LoadgenProcess } from "../lib/loadgen-process.js";
import { openFilesLimit, rssKb } from "../lib/proc-stats.js";
import { fmt, type Row, type ScenarioReport } from "../lib/report.js";
import type { ServerProgram } from "../lib/server-process.js";
import type { Transport } from "../load/connection.js";

/** Bar from the product brief: memory per idle WebSocket; TCP+TLS is reported without a bar. */
export const IDLE_BARS = { wsKbPerConnection: 10 };

interface IdleFigures {
  program: ServerProgram;
  transport: Transport;
  opened: IdleOpened;
  serverSessions: number;
  rssBeforeKb: number;
  /** With the first half of the connections open. */
  rssHalfKb: number;
  rssAfterKb: number;
  rssAfterCloseKb: number;
  /** (after - before) / N: what the brief asks for. */
  kbPerConnection: number;
  /**
   * (after - half) / (N - N/2): the cost of one more connection once the
   * heap's one-time growth (young generation, compiled code) is behind it.
   */
  marginalKbPerConnection: number;
  droppedWhileIdle: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * For each transport on a fresh server process (so one transport's heap
 * growth cannot hide the other's): VmRSS settled before, with half and with
 * all N authenticated idle connections open; the difference per connection.
 */
export async function idleMemoryScenario(opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const limit = openFilesLimit();
  if (limit < opts.idleConnections + 500) {
    throw new Error(
      `open-files limit ${limit} is too low for ${opts.idleConnections} connections; raise ulimit -n`,
    );
  }
  const data = await seededDb("sqlite", opts.idleConnections, opts.keepData, ctx.log);
  const figures: IdleFigures[] = [];
  const profiles = [];
  try {
    const programs: ServerProgram[] = opts.baseline ? ["starling", "relay"] : ["starling"];
    for (const program of programs) {
      for (const transport of ["ws", "tcp"] as const) {
        const label = `idle-${transport}${program === "relay" ? "-relay" : ""}`;
        const run = await startBenchServer(
          program,
          { dir: data.nodeDir(0), args: data.serverArgs },
          label,
          opts.profile && program === "starling",
          ctx,
        );
        try {
          figures.push(await measure(program, transport, run.server, data.tokenSalt, opts, ctx));
        } finally {
          const profile = await run.finish();
          if (profile) profiles.push(profile);
        }
      }
    }
  } finally {
    await data.remove();
  }
  // The WebSocket run's profile is the one the bar is about; the TLS one is kept in bench/out/.
  return {
    scenario: "idle-memory",
    rows: figures.flatMap((f) => rowsOf(f, opts)),
    data: { figures },
    profile: profiles[0],
  };
}

function rowsOf(f: IdleFigures, opts: BenchOptions): Row[] {
  const name = f.transport === "ws" ? "WebSocket" : "TCP+TLS";
  const perConn = `${f.kbPerConnection.toFixed(1)} (marginal ${f.marginalKbPerConnection.toFixed(1)})`;
  if (f.program === "relay")
    return [{ metric: `baseline relay, ${name}: KB per idle connection`, value: perConn }];
  const bar = f.transport === "ws" ? IDLE_BARS.wsKbPerConnection : undefined;
  return [
    {
      metric: `${name}: KB per idle connection`,
      value: perConn,
      bar: bar === undefined ? "(reported)" : `<= ${bar}`,
      pass: bar === undefined ? undefined : f.kbPerConnection <= bar,
    },
    {
      metric: `${name}: server RSS before -> N/2 -> N open`,
      value: [f.rssBeforeKb, f.rssHalfKb, f.rssAfterKb].map((kb) => fmt.int(kb / 1024)).join(" -> ") + " MiB",
    },
    {
      metric: `${name}: opened (server sessions) in s`,
      value: `${f.opened.opened} (${f.serverSessions}) in ${f.opened.openSeconds}`,
      bar: `${opts.idleConnections}, 0 dropped`,
      pass:
        f.opened.opened === opts.idleConnections &&
        f.serverSessions >= f.opened.opened &&
        f.droppedWhileIdle === 0,
    },
  ];
}

async function measure(
  program: ServerProgram,
  transport: Transport,
  server: { pid: number; tcpPort: number; httpPort: number },
  tokenSalt: string,
  opts: BenchOptions,
  ctx: RunContext,
): Promise<IdleFigures> {
  const { log } = ctx;
  const settled = async () => {
    await sleep(opts.settleSec * 1000);
    return rssKb(server.pid);
  };
  const rssBeforeKb = await settled();
  log(
    `${transport}: RSS ${fmt.int(rssBeforeKb / 1024)} MiB; opening ${opts.idleConnections} connections in 2 steps`,
  );
  const lg = new LoadgenProcess(
    {
      scenario: "idle",
      endpoint: { host: "127.0.0.1", tcpPort: server.tcpPort, httpPort: server.httpPort },
      tokenSalt,
      transport,
      connections: opts.idleConnections,
      concurrency: opts.idleConcurrency,
      steps: 2,
    },
    { children: ctx.children, onProgress: log, profileDir: ctx.loadgenProfileDir },
  );
  try {
    const half = (await lg.next("opened", 600_000)).opened;
    const rssHalfKb = await settled();
    lg.command({ type: "continue" });
    const { opened } = await lg.next("opened", 600_000);
    if (opened.failed > 0)
      log(`${transport}: ${opened.failed} connections failed: ${opened.errors.join("; ")}`);
    // The relay keeps no count; the server's /healthz does.
    const serverSessions = program === "starling" ? await sessionsOf(server.httpPort) : opened.opened;
    const counted = program === "starling" ? ` (server counts ${serverSessions})` : "";
    log(`${transport}: ${opened.opened} open in ${opened.openSeconds}s${counted}; settling`);
    const rssAfterKb = await settled();
    lg.command({ type: "continue" });
    const closed = await lg.next("closed", 120_000);
    await sleep(2000);
    const rssAfterCloseKb = rssKb(server.pid);
    const per = (kb: number, n: number) => (n > 0 ? Math.round((kb / n) * 10) / 10 : 0);
    const figures: IdleFigures = {
      program,
      transport,
      opened,
      serverSessions,
      rssBeforeKb,
      rssHalfKb,
      rssAfterKb,
      rssAfterCloseKb,
      kbPerConnection: per(rssAfterKb - rssBeforeKb, opened.opened),
      marginalKbPerConnection: per(rssAfterKb - rssHalfKb, opened.opened - half.opened),
      droppedWhileIdle: closed.disconnects,
    };
    log(
      `${transport}: RSS ${fmt.int(rssAfterKb / 1024)} MiB with all open: ${figures.kbPerConnection} KB each`,
    );
    return figures;
  } finally {
    await lg.end();
  }
}

/** The server's own count of sessions (its /healthz), to confirm the connections are really there. */
async function sessionsOf(httpPort: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { sessions?: number };
  return body.sessions ?? -1;
}

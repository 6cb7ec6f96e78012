import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection, createServer } from "node:net";

const BINARY = process.env.STARLING_TEST_NATS_SERVER ?? "/usr/sbin/nats-server";

/** Why a private nats-server cannot be started here, if it cannot. */
export function natsServerMissing(): string | undefined {
  return existsSync(BINARY) ? undefined : `no nats-server at ${BINARY}`;
}

/** The shared NATS server of the machine (tests use their own subject prefix on it). */
export const NATS_URL = process.env.STARLING_TEST_NATS ?? "nats://127.0.0.1:4222";

/** Why the shared NATS server cannot be reached, if it cannot: the reason a test is skipped. */
export async function natsUnavailable(): Promise<string | undefined> {
  const u = new URL(NATS_URL);
  return (await accepts(Number(u.port || 4222), u.hostname))
    ? undefined
    : `NATS is not reachable at ${NATS_URL}`;
}

/** A port nothing listens on now (for a server a test starts later on a known port). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function accepts(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/**
 * A nats-server of a test's own, on a port of its own, that the test may
 * stop and start again on the same port (an outage of the cluster bus). The
 * shared server that other tests use is never touched.
 */
export class PrivateNats {
  private proc: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Picks the port (once) without starting, for a node that must start while NATS is down. */
  async reserve(): Promise<string> {
    if (this.port === 0) this.port = await freePort();
    return this.url;
  }

  async start(): Promise<void> {
    await this.reserve();
    const proc = spawn(BINARY, ["-a", "127.0.0.1", "-p", String(this.port)], { stdio: "ignore" });
    this.proc = proc;
    const deadline = Date.now() + 20_000;
    while (!(await accepts(this.port))) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}`);
      if (Date.now() > deadline) throw new Error("nats-server did not start");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills it outright, as a crash would. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await exited;
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/core/kernel/ports.js";
import {
  LOOPBACK_ANY_PORT,
  loadConfig,
  type RunningServer,
  type ServerOptions,
  type SettingKey,
  startServer,
} from "../../src/index.js";

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  domain: string;
  wsUrl: string;
  tlsUrl: string;
  /** Stops the server and starts it again on the same data folder and ports. */
  restart(): Promise<void>;
  /** Stops the server, keeping the data folder (for restart). */
  stop(): Promise<void>;
  /** Creates a user whose password is `pw-<name>-secret`. */
  addUser(name: string): Promise<string>;
  close(): Promise<void>;
}

export const passwordOf = (name: string) => `pw-${name}-secret`;

/** One JSON request to the server's HTTP API (`path` under /api/v1), with a bearer token when given. */
export async function apiRequest(
  ts: TestServer,
  method: string,
  path: string,
  token = "",
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  // 204 answers have no body.
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** A real server on 127.0.0.1 with ports chosen by the OS and a data folder of its own; `logger` to read its logs. */
export async function startTestServer(
  flags: Partial<Record<SettingKey, unknown>> = {},
  logger?: Logger,
  options: ServerOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "starling-test-"));
  const config = loadConfig({
    env: {},
    flags: {
      dataDir,
      ...LOOPBACK_ANY_PORT,
      "log.level": process.env.STARLING_TEST_LOG ?? "silent",
      durability: "normal",
      ...flags,
    },
  });
  const server = await startServer(config, logger, options);
  let stopped = false;
  const ts: TestServer = {
    server,
    dataDir,
    domain: config.domain,
    wsUrl: `ws://127.0.0.1:${server.httpPort}/ws`,
    tlsUrl: `${config.tcp.tls ? "tls" : "tcp"}://127.0.0.1:${server.tcpPort}`,
    async addUser(name: string) {
      const u = await ts.server.core.accounts.createUser({
        id: name.includes("@") ? name : `${name}@${config.domain}`,
        password: passwordOf(name),
      });
      return u.id;
    },
    async stop() {
      if (!stopped) await ts.server.close();
      stopped = true;
    },
    async restart() {
      await ts.stop();
      const again = {
        ...config,
        tcp: { ...config.tcp, port: ts.server.tcpPort },
        http: { ...config.http, port: ts.server.httpPort },
        federation: { ...config.federation, port: ts.server.federationPort || config.federation.port },
      };
      ts.server = await startServer(again, logger, options);
      stopped = false;
    },
    async close() {
      await ts.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ts;
}

export interface Answer {
  status: number;
  code?: string;
}

/** An HTTP request to the server from a chosen loopback address (`from`), with an optional X-Forwarded-For. */
export function requestFrom(
  ts: TestServer,
  method: string,
  path: string,
  opts: { from?: string; forwardedFor?: string; body?: unknown } = {},
): Promise<Answer> {
  const body = opts.body === undefined ? "" : JSON.stringify(opts.body);
  const headers: Record<string, string | number> = {};
  if (body) {
    headers["content-type"] = "application/json";
    headers["content-length"] = Buffer.byteLength(body);
  }
  if (opts.forwardedFor) headers["x-forwarded-for"] = opts.forwardedFor;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: ts.server.httpPort,
        localAddress: opts.from ?? "127.0.0.1",
        method,
        path,
        headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () => {
          const parsed = text ? (JSON.parse(text) as { code?: string }) : {};
          resolve({ status: res.statusCode ?? 0, code: parsed.code });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

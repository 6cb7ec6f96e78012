import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect as netConnect, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { createNodeClient } from "@starling/sdk/node";
import { ConfigError, loadConfig } from "../../../src/index.js";
import { passwordOf, requestFrom, startTestServer, type TestServer } from "../../helpers/test-server.js";

const login = (ts: TestServer, password: string, opts: { from?: string; forwardedFor?: string } = {}) =>
  requestFrom(ts, "POST", "/api/v1/auth/login", { ...opts, body: { userId: "bob", password } });

/**
 * A reverse proxy for WebSocket upgrades, as nginx would be configured: it passes each
 * upgrade on to the server with the client's address (here: `forwardedFor`) in X-Forwarded-For.
 */
class UpgradeProxy {
  forwardedFor = "";
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: number) {
    this.server = createServer((_req, res) => res.writeHead(404).end());
    this.server.on("upgrade", (req, client: Socket, head: Buffer) => {
      const upstream = netConnect(this.target, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      lines.push(`X-Forwarded-For: ${this.forwardedFor}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

describe("without http.trustProxy, X-Forwarded-For is ignored", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({
      "limits.requestsPerSecond": 1,
      "limits.requestBurst": 3,
      "limits.loginMaxFailures": 3,
    });
    await ts.addUser("bob");
  });
  after(() => ts.close());

  test("clients claiming different addresses share the peer's rate-limit bucket", async () => {
    const statuses: number[] = [];
    for (const xff of ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"])
      statuses.push(
        (await requestFrom(ts, "GET", "/api/v1/conversations", { from: "127.0.0.5", forwardedFor: xff }))
          .status,
      );
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });
});

describe("with http.trustProxy, the client's address comes from a trusted proxy's X-Forwarded-For", () => {
  let ts: TestServer;
  let proxy: UpgradeProxy;
  let proxyPort = 0;
  before(async () => {
    ts = await startTestServer({
      "http.trustProxy": "127.0.0.1",
      "limits.requestsPerSecond": 1,
      "limits.requestBurst": 3,
      "limits.loginMaxFailures": 3,
      "limits.loginMaxFailuresPerAccount": 100,
    });
    await ts.addUser("bob");
    proxy = new UpgradeProxy(ts.server.httpPort);
    proxyPort = await proxy.listen();
  });
  after(async () => {
    await proxy.close();
    await ts.close();
  });

  test("two clients behind the proxy get separate rate-limit buckets", async () => {
    const get = (xff: string) => requestFrom(ts, "GET", "/api/v1/conversations", { forwardedFor: xff });
    const a: number[] = [];
    for (let i = 0; i < 4; i++) a.push((await get("198.51.100.1")).status);
    assert.deepEqual(a, [401, 401, 401, 429]);
    assert.equal((await get("198.51.100.2")).status, 401, "the other client is not limited");
    // A peer that is not trusted is itself the client, whatever it claims.
    const untrusted: number[] = [];
    for (let i = 0; i < 4; i++)
      untrusted.push(
        (
          await requestFrom(ts, "GET", "/api/v1/conversations", {
            from: "127.0.0.6",
            forwardedFor: `198.51.100.${10 + i}`,
          })
        ).status,
      );
    assert.deepEqual(untrusted, [401, 401, 401, 429]);
  });

  test("login lockouts are per client, also for failures over the native WebSocket", async () => {
    proxy.forwardedFor = "192.0.2.1";
    for (let i = 0; i < 3; i++) {
      const client = createNodeClient({
        endpoints: [`ws://127.0.0.1:${proxyPort}/ws`],
        auth: { userId: "bob", password: `wrong-${i}` },
        reconnect: { minDelayMs: 20, maxDelayMs: 200 },
      });
      await assert.rejects(client.connect());
      await client.close();
    }
    const locked = await login(ts, passwordOf("bob"), { forwardedFor: "192.0.2.1" });
    assert.equal(locked.status, 429, "the client that failed over the WebSocket is locked");
    assert.equal(locked.code, "LOGIN_LOCKED");
    assert.equal((await login(ts, passwordOf("bob"), { forwardedFor: "192.0.2.2" })).status, 200);
  });
});

test("http.trustProxy refuses entries that are not addresses or CIDR ranges, listing each", () => {
  assert.throws(
    () =>
      loadConfig({
        env: {},
        flags: { "http.trustProxy": "127.0.0.1, ::1, 10.0.0.0/8, proxy.local, 10.0.0.0/33" },
      }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.length === 2 &&
      err.problems.some((p) => p.includes('"proxy.local"')) &&
      err.problems.some((p) => p.includes('"10.0.0.0/33"')),
  );
  assert.equal(
    loadConfig({ env: {}, flags: { "http.trustProxy": "127.0.0.1,fd00::/8" } }).http.trustProxy,
    "127.0.0.1,fd00::/8",
  );
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { adminKey } from "../../../src/index.js";
import { login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** The value of one sample (`name{labels} value`) in a Prometheus text page; 0 when absent. */
function sample(page: string, name: string, labels = ""): number {
  const key = labels ? `${name}{${labels}}` : name;
  const line = page.split("\n").find((l) => l.startsWith(`${key} `));
  return line ? Number(line.slice(key.length + 1)) : 0;
}

async function scrape(port: number, token?: string): Promise<{ status: number; type: string; page: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: r.status, type: r.headers.get("content-type") ?? "", page: await r.text() };
}

async function loginToken(ts: TestServer, userId: string, password: string): Promise<number | string> {
  const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId, password }),
  });
  return r.ok ? ((await r.json()) as { token: string }).token : r.status;
}

describe("/metrics", () => {
  let ts: TestServer;
  let key = "";
  before(async () => {
    ts = await startTestServer();
    key = adminKey(ts.dataDir);
    await ts.addUser("alice");
    await ts.addUser("bob");
  });
  after(() => ts.close());

  test("needs the admin key: no token is 401, a user's or an administrator's session 403", async () => {
    assert.equal((await scrape(ts.server.httpPort)).status, 401);
    const alice = await loginToken(ts, "alice", passwordOf("alice"));
    assert.equal((await scrape(ts.server.httpPort, String(alice))).status, 403);
    await ts.server.core.accounts.createUser({
      id: `boss@${ts.domain}`,
      password: "pw-boss-secret",
      role: "admin",
    });
    const boss = await loginToken(ts, "boss", "pw-boss-secret");
    assert.equal(typeof boss, "string");
    assert.equal(
      (await scrape(ts.server.httpPort, String(boss))).status,
      403,
      "a domain's administrator sees one domain; the metrics are the whole node's",
    );
    const ok = await scrape(ts.server.httpPort, key);
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^text\/plain/);
    assert.match(ok.page, /# TYPE starling_sends_total counter/);
    assert.match(ok.page, /^process_cpu_user_seconds_total /m, "process metrics");
    assert.equal(sample(ok.page, "starling_store_up"), 1);
    assert.equal(sample(ok.page, "starling_bus_up"), 1);
  });

  test("a failed login, a send, an upload and a session move the counters", async () => {
    const before = (await scrape(ts.server.httpPort, key)).page;

    assert.equal(await loginToken(ts, "alice", "wrong password"), 401);
    const token = String(await loginToken(ts, "alice", passwordOf("alice")));
    const bob = await login(ts, "bob");
    try {
      const sent = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ to: "bob", clientMsgId: "m1", text: "hello" }),
      });
      assert.equal(sent.status, 200);
      await bob.until(() => bob.messages.length === 1, "bob gets the message");
      const upload = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/files?name=a.txt`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        body: new TextEncoder().encode("twelve bytes"),
      });
      assert.equal(upload.status, 201);

      const now = (await scrape(ts.server.httpPort, key)).page;
      const moved = (name: string, labels = "") => sample(now, name, labels) - sample(before, name, labels);
      assert.equal(moved("starling_login_failures_total"), 1);
      assert.equal(moved("starling_sends_total", 'outcome="stored"'), 1);
      assert.equal(moved("starling_send_ack_seconds_count"), 1);
      assert.equal(moved("starling_send_batch_size_count"), 1);
      assert.ok(moved("starling_store_transaction_seconds_count", 'outcome="committed"') >= 1);
      assert.ok(moved("starling_deliveries_total", 'door="native"') >= 1);
      assert.equal(moved("starling_upload_bytes_total"), 12);
      assert.equal(moved("starling_uploads_total"), 1);
      assert.equal(sample(now, "starling_sessions", 'door="native-tcp"'), 1, "bob's session");
      assert.ok(sample(now, "starling_connections", 'door="http"') >= 1, "this scrape's socket");
    } finally {
      await bob.sdk.close();
    }
  });
});

describe("/metrics on a listener of its own", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "metrics.listen": "127.0.0.1:0", "metrics.public": true });
  });
  after(() => ts.close());

  test("metrics.listen moves it off the HTTP port; metrics.public serves it without a token", async () => {
    assert.ok(ts.server.metricsPort > 0);
    assert.notEqual(ts.server.metricsPort, ts.server.httpPort);
    const own = await scrape(ts.server.metricsPort);
    assert.equal(own.status, 200);
    assert.match(own.page, /# TYPE starling_connections gauge/);
    assert.equal((await scrape(ts.server.httpPort)).status, 404, "not on the HTTP port");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { admin, link, metricsOf, ping, pingsAt, startPeer } from "../helpers/federation-peers.js";
import { poll } from "../helpers/poll.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { apiRequest, type TestServer } from "../helpers/test-server.js";

/**
 * Two servers of different domains, data folders and self-signed certificates, linked both ways
 * through the admin API: frames arrive in order and exactly once, a link cut through a TCP proxy
 * delivers what was queued meanwhile once it is restored, and a suspended link carries nothing.
 */
describe("federation link between two servers", () => {
  let a: TestServer;
  let b: TestServer;
  let proxy: TcpProxy;
  const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

  before(async () => {
    a = await startPeer("a.test");
    b = await startPeer("b.test");
    // a reaches b through the proxy, so the test can cut that direction.
    proxy = new TcpProxy("127.0.0.1", b.server.federationPort);
    await proxy.start();
    await link(a, b, { endpoint: `127.0.0.1:${proxy.port}` });
    await link(b, a);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await proxy?.cut();
  });

  test("frames arrive in order, exactly once, both ways", async () => {
    const sent = range("ab", 50);
    for (const body of sent) await ping(a, b, body);
    for (const body of range("ba", 20)) await ping(b, a, body);
    await poll(
      () => pingsAt(b, "a.test"),
      (got) => got.length >= sent.length,
      "a's pings at b",
    );
    await poll(
      () => pingsAt(a, "b.test"),
      (got) => got.length >= 20,
      "b's pings at a",
    );
    assert.deepEqual(await pingsAt(b, "a.test"), sent);
    assert.deepEqual(await pingsAt(a, "b.test"), range("ba", 20));
    const links = await poll(
      () => admin(a, "GET", "/links"),
      (r) => (r.body.links as { queued: number }[])[0]?.queued === 0,
      "a's queue drained",
    );
    const mine = (links.body.links as { peerDomain: string; appliedSeq: number }[])[0];
    assert.equal(mine?.peerDomain, "b.test");
    assert.equal(mine?.appliedSeq, 20);
  });

  test("a cut link delivers everything queued meanwhile, once, in order, when restored", async () => {
    const before = await pingsAt(b, "a.test");
    const queued = range("cut", 30);
    await proxy.cut();
    try {
      for (const body of queued) await ping(a, b, body);
      // A peer that is down is not this server's failure: a stays ready, and its metrics say the link is down.
      await poll(
        () => metricsOf(a),
        (text) => /starling_federation_link_up\{peer="b\.test"\} 0/.test(text),
        "a's link to b shown down",
      );
      // Refreshed at each attempt to reach b.
      await poll(
        () => metricsOf(a),
        (text) => /starling_federation_queue_depth\{peer="b\.test"\} [1-9]/.test(text),
        "a's queue for b shown",
      );
      assert.equal((await fetch(`http://127.0.0.1:${a.server.httpPort}/readyz`)).status, 200);
    } finally {
      await proxy.restore();
    }
    const want = [...before, ...queued];
    await poll(
      () => pingsAt(b, "a.test"),
      (got) => got.length >= want.length,
      "queued pings after restore",
    );
    assert.deepEqual(await pingsAt(b, "a.test"), want);
  });

  test("a suspended link carries nothing until resumed; nothing queued meanwhile is lost", async () => {
    const before = await pingsAt(b, "a.test");
    await ping(a, b, "before-suspend");
    await poll(
      () => pingsAt(b, "a.test"),
      (got) => got.length === before.length + 1,
      "ping before suspend",
    );
    assert.equal((await admin(b, "POST", "/links/a.test/suspend")).status, 200);
    await ping(a, b, "while-suspended");
    // b refuses a's connection while suspended: the refusal is counted in b's metrics.
    await poll(
      () => metricsOf(b),
      (text) => /starling_federation_refused_total\{peer="a\.test",reason="suspended"\} [1-9]/.test(text),
      "b counting a's refused connection",
    );
    assert.deepEqual((await pingsAt(b, "a.test")).slice(before.length), ["before-suspend"]);
    assert.equal((await admin(b, "POST", "/links/a.test/resume")).status, 200);
    await poll(
      () => pingsAt(b, "a.test"),
      (got) => got.length === before.length + 2,
      "ping after resume",
    );
    assert.deepEqual((await pingsAt(b, "a.test")).slice(before.length), [
      "before-suspend",
      "while-suspended",
    ]);
  });

  test("only the server administrator manages links", async () => {
    // An administrator of a's domain, not of the server: links join servers, so they are refused.
    await a.server.core.accounts.createUser({
      id: "boss@a.test",
      password: "boss-password-1",
      role: "admin",
    });
    const login = await apiRequest(a, "POST", "/auth/login", "", {
      userId: "boss@a.test",
      password: "boss-password-1",
    });
    assert.equal(login.status, 200);
    const token = String(login.body.token);
    assert.equal((await apiRequest(a, "GET", "/me", token)).status, 200);
    const body = { peerDomain: "c.test", endpoint: "127.0.0.1:1", pin: b.server.tlsFingerprint };
    assert.equal((await apiRequest(a, "POST", "/admin/federation/links", "", body)).status, 401);
    assert.equal((await apiRequest(a, "POST", "/admin/federation/links", token, body)).status, 403);
    assert.equal((await apiRequest(a, "GET", "/admin/federation/links", token)).status, 403);
    assert.equal((await apiRequest(a, "POST", "/admin/federation/links/b.test/suspend", token)).status, 403);
    assert.equal((await admin(a, "POST", "/links/x.test/suspend")).status, 404);
    assert.equal((await admin(a, "POST", "/links", { ...body, pin: "not-a-pin" })).status, 400);
    const peers = ((await admin(a, "GET", "/links")).body.links as { peerDomain: string }[]).map(
      (l) => l.peerDomain,
    );
    assert.deepEqual(peers, ["b.test"], "nothing refused was added");
  });

  test("a dialler that finds a certificate other than the pinned one at the endpoint sends nothing", async () => {
    // c.test's endpoint is b's listener: b's certificate is not the one pinned for c.
    const pin = Array.from({ length: 32 }, () => "AA").join(":");
    assert.equal(
      (
        await admin(a, "POST", "/links", {
          peerDomain: "c.test",
          endpoint: `127.0.0.1:${b.server.federationPort}`,
          pin,
        })
      ).status,
      201,
    );
    assert.equal((await admin(a, "POST", "/links/c.test/ping", { body: "to-c" })).status, 200);
    await poll(
      () => metricsOf(a),
      (text) =>
        /starling_federation_refused_total\{peer="c\.test",reason="bad_certificate"\} [1-9]/.test(text),
      "a refusing the certificate it found for c",
    );
    await poll(
      () => metricsOf(a),
      (text) => /starling_federation_queue_depth\{peer="c\.test"\} 1/.test(text),
      "the ping to c still queued",
    );
    assert.equal((await admin(a, "DELETE", "/links/c.test")).status, 200);
  });
});

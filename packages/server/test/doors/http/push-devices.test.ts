import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { PushProvider } from "../../../src/index.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const provider: PushProvider = { name: "relay", send: async () => ({ ok: true }) };

/** Push devices over HTTP: the same rules as the native protocol (core/push/devices.ts). */
describe("push devices over HTTP", () => {
  let ts: TestServer;
  const tokens: Record<string, string> = {};
  const call = (who: string, method: string, path: string, body?: unknown) =>
    apiRequest(ts, method, path, tokens[who], body);
  const device = (token: string) => ({
    provider: "relay",
    platform: "web",
    appId: "https://chat.example",
    token,
  });

  before(async () => {
    ts = await startTestServer({}, undefined, {
      push: { providers: [provider], webPushPublicKey: "BPublicKeyForTests" },
    });
    for (const n of ["alice", "bob"]) {
      await ts.addUser(n);
      const r = await apiRequest(ts, "POST", "/auth/login", "", { userId: n, password: passwordOf(n) });
      tokens[n] = r.body.token as string;
    }
  });
  after(() => ts.close());

  test("the push config names the providers and the Web Push key, to logged-in users", async () => {
    assert.deepEqual((await call("alice", "GET", "/push/config")).body, {
      providers: ["relay"],
      webPushPublicKey: "BPublicKeyForTests",
    });
    assert.equal((await apiRequest(ts, "GET", "/push/config")).status, 401);
  });

  test("register, list, move to another user, remove", async () => {
    const made = await call("alice", "POST", "/push/devices", { ...device("sub-1"), locale: "zh-CN" });
    assert.equal(made.status, 200);
    assert.equal(made.body.token, "sub-1");
    assert.equal(made.body.locale, "zh-CN");
    assert.equal(typeof made.body.createdAt, "string");
    const id = made.body.id as string;
    assert.deepEqual(
      ((await call("alice", "GET", "/push/devices")).body.devices as { id: string }[]).map((d) => d.id),
      [id],
    );
    const moved = await call("bob", "POST", "/push/devices", device("sub-1"));
    assert.equal(moved.body.id, id);
    assert.deepEqual((await call("alice", "GET", "/push/devices")).body, {});
    assert.equal((await call("alice", "DELETE", `/push/devices/${id}`)).status, 404, "no longer hers");
    assert.equal((await call("bob", "DELETE", `/push/devices/${id}`)).status, 204);
    assert.deepEqual((await call("bob", "GET", "/push/devices")).body, {});
  });

  test("bad input is refused with the protocol's codes", async () => {
    const unknown = await call("alice", "POST", "/push/devices", { ...device("sub-2"), provider: "apns" });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "INVALID_ARGUMENT");
    assert.match(String(unknown.body.message), /relay/);
    const platform = await call("alice", "POST", "/push/devices", {
      ...device("sub-2"),
      platform: "toaster",
    });
    assert.equal(platform.status, 400);
    const long = await call("alice", "POST", "/push/devices", device("x".repeat(4097)));
    assert.equal(long.status, 400);
    // Within the schema's characters but past the core's bytes.
    const wide = await call("alice", "POST", "/push/devices", device("é".repeat(2049)));
    assert.equal(wide.status, 400);
    assert.equal(wide.body.code, "INVALID_ARGUMENT");
    assert.equal((await apiRequest(ts, "POST", "/push/devices", "", device("sub-2"))).status, 401);
    assert.deepEqual((await call("alice", "GET", "/push/devices")).body, {});
  });
});

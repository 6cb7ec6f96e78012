import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, type StarlingError } from "@starling/protocol";
import type { PushProvider } from "../../../src/index.js";
import { starlingAsync } from "../../helpers/child-server.js";
import { type Client, login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const refused = (code: ErrorCode, field: string) => (e: StarlingError) =>
  e.code === code && e.details.field === field;

/** Registers only; its tokens must start with "ok-" (the shape check a real provider makes). */
const provider: PushProvider = {
  name: "relay",
  send: async () => ({ ok: true }),
  checkToken: (token) => (token.startsWith("ok-") ? undefined : 'a relay token starts with "ok-"'),
};

const phone = (token: string, locale = "zh-CN") => ({
  provider: "relay",
  platform: "android" as const,
  appId: "com.example.chat",
  token,
  locale,
});

/** Push device registration through the SDK (and the CLI) against a real server. */
describe("push devices over the native protocol", () => {
  let ts: TestServer;
  let alice: Client;
  let bob: Client;

  before(async () => {
    ts = await startTestServer({ "limits.maxPushDevicesPerUser": 3 }, undefined, {
      push: { providers: [provider], webPushPublicKey: "BPublicKeyForTests" },
    });
    for (const n of ["alice", "bob"]) await ts.addUser(n);
    alice = await login(ts, "alice");
    bob = await login(ts, "bob", "ws");
  });
  after(async () => {
    await alice.close();
    await bob.close();
    await ts.close();
  });

  test("the welcome names the providers and the Web Push key", async () => {
    const welcome = await alice.sdk.connect();
    assert.deepEqual(welcome.pushProviders, ["relay"]);
    assert.equal(welcome.webpushPublicKey, "BPublicKeyForTests");
  });

  test("a device is registered, listed, registered again in place, and removed by id or token", async () => {
    const d = await alice.sdk.registerPushDevice(phone("ok-alice-1"));
    assert.deepEqual(
      [d.provider, d.platform, d.appId, d.token, d.locale, d.lastUsedAt],
      ["relay", "android", "com.example.chat", "ok-alice-1", "zh-CN", 0n],
    );
    assert.ok(d.id && d.createdAt > 0n);
    const again = await alice.sdk.registerPushDevice(phone("ok-alice-1", "en"));
    assert.equal(again.id, d.id, "the same token is the same registration");
    assert.equal(again.locale, "en");
    assert.deepEqual(
      (await alice.sdk.listPushDevices()).map((x) => x.id),
      [d.id],
    );
    await alice.sdk.unregisterPushDevice({ id: d.id });
    assert.deepEqual(await alice.sdk.listPushDevices(), []);
    await alice.sdk.registerPushDevice(phone("ok-alice-2"));
    await alice.sdk.unregisterPushDevice({ token: "ok-alice-2" });
    assert.deepEqual(await alice.sdk.listPushDevices(), []);
    await assert.rejects(
      alice.sdk.unregisterPushDevice({ id: d.id }),
      (e: StarlingError) => e.code === ErrorCode.NOT_FOUND,
    );
  });

  test("a token registered by another user moves to them", async () => {
    const mine = await alice.sdk.registerPushDevice(phone("ok-shared"));
    const theirs = await bob.sdk.registerPushDevice({ ...phone("ok-shared"), platform: "ios" });
    assert.equal(theirs.id, mine.id);
    assert.deepEqual(await alice.sdk.listPushDevices(), []);
    assert.deepEqual(
      (await bob.sdk.listPushDevices()).map((x) => [x.token, x.platform]),
      [["ok-shared", "ios"]],
    );
    // Bob cannot remove what is no longer Alice's, and Alice cannot remove Bob's.
    await assert.rejects(
      alice.sdk.unregisterPushDevice({ id: mine.id }),
      (e: StarlingError) => e.code === ErrorCode.NOT_FOUND,
    );
    await bob.sdk.unregisterPushDevice({ id: mine.id });
  });

  test("an unknown provider, a bad platform, a bad or oversized token, a bad locale are refused", async () => {
    await assert.rejects(
      alice.sdk.registerPushDevice({ ...phone("ok-x"), provider: "apns" }),
      (e: StarlingError) => refused(ErrorCode.INVALID_ARGUMENT, "provider")(e) && /relay/.test(e.message),
    );
    await assert.rejects(
      alice.sdk.registerPushDevice({ ...phone("ok-x"), platform: "toaster" as "other" }),
      refused(ErrorCode.INVALID_ARGUMENT, "platform"),
    );
    await assert.rejects(
      alice.sdk.registerPushDevice(phone(`ok-${"x".repeat(4096)}`)),
      refused(ErrorCode.INVALID_ARGUMENT, "token"),
    );
    await assert.rejects(
      alice.sdk.registerPushDevice(phone("not-ok")),
      (e: StarlingError) => refused(ErrorCode.INVALID_ARGUMENT, "token")(e) && /ok-/.test(e.message),
    );
    await assert.rejects(
      alice.sdk.registerPushDevice({ ...phone("ok-x"), appId: "a".repeat(256) }),
      refused(ErrorCode.INVALID_ARGUMENT, "app_id"),
    );
    await assert.rejects(
      alice.sdk.registerPushDevice(phone("ok-x", "not a locale")),
      refused(ErrorCode.INVALID_ARGUMENT, "locale"),
    );
    assert.deepEqual(await alice.sdk.listPushDevices(), []);
  });

  test("past the per-user limit the least recently used device is removed", async () => {
    const first = await alice.sdk.registerPushDevice(phone("ok-lru-1"));
    await alice.sdk.registerPushDevice(phone("ok-lru-2"));
    await alice.sdk.registerPushDevice(phone("ok-lru-3"));
    // The first one got a notification since: the second is now the least recently used.
    await ts.server.store.transaction((tx) => tx.touchPushDevices([first.id], Date.now() + 60_000));
    await alice.sdk.registerPushDevice(phone("ok-lru-4"));
    assert.deepEqual((await alice.sdk.listPushDevices()).map((x) => x.token).sort(), [
      "ok-lru-1",
      "ok-lru-3",
      "ok-lru-4",
    ]);
  });

  test("starling devices lists them and starling devices remove <id> removes one", async () => {
    const [kept] = await alice.sdk.listPushDevices();
    assert.ok(kept);
    const d = ["--server", ts.tlsUrl, "--insecure", "--user", "alice", "--password", passwordOf("alice")];
    // A password login saves its session: into the test's data folder, not the home folder.
    const cli = (args: string[]) => starlingAsync([...args, ...d], { env: { STARLING_HOME: ts.dataDir } });
    const listed = await cli(["devices", "--json"]);
    assert.equal(listed.status, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as { id: string; provider: string }[];
    assert.equal(rows.length, 3);
    assert.ok(rows.some((r) => r.id === kept.id && r.provider === "relay"));
    const removed = await cli(["devices", "remove", kept.id]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, /removed/);
    assert.ok(!(await alice.sdk.listPushDevices()).some((x) => x.id === kept.id));
    const again = await cli(["devices", "remove", kept.id]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /no such push device/);
  });
});

describe("push devices on a server without push providers", () => {
  let ts: TestServer;
  let alice: Client;

  before(async () => {
    // Web Push needs no account and is on by default: turned off here, nothing is left.
    ts = await startTestServer({ "push.webpush.enabled": false });
    await ts.addUser("alice");
    alice = await login(ts, "alice");
  });
  after(async () => {
    await alice.close();
    await ts.close();
  });

  test("the welcome names none, and registering says push is not configured", async () => {
    const welcome = await alice.sdk.connect();
    assert.deepEqual(welcome.pushProviders, []);
    assert.equal(welcome.webpushPublicKey, "");
    await assert.rejects(
      alice.sdk.registerPushDevice(phone("ok-1")),
      (e: StarlingError) => e.code === ErrorCode.CONFLICT && /not configured/.test(e.message),
    );
    assert.deepEqual(await alice.sdk.listPushDevices(), []);
  });
});

describe("push devices on a server as it starts by default", () => {
  test("Web Push is on (push to XMPP app servers is not): the welcome names it, with the server's VAPID key", async () => {
    const ts = await startTestServer();
    try {
      await ts.addUser("alice");
      const alice = await login(ts, "alice");
      try {
        const welcome = await alice.sdk.connect();
        assert.deepEqual(welcome.pushProviders, ["webpush"]);
        // An uncompressed P-256 point (65 bytes) in base64url.
        assert.match(welcome.webpushPublicKey, /^[A-Za-z0-9_-]{87}$/);
        assert.equal(Buffer.from(welcome.webpushPublicKey, "base64url")[0], 4);
      } finally {
        await alice.close();
      }
    } finally {
      await ts.close();
    }
  });
});

// The FCM adapter against the FCM emulator: what the shared provider contract does not cover.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { FcmProvider, readServiceAccount } from "../../src/adapters/push/fcm.js";
import type { PushTarget } from "../../src/core/push/provider.js";
import { fcmAt } from "../contracts/push-cases/fcm.js";
import { notification } from "../contracts/push-provider.js";
import { type FcmEmulator, startFcmEmulator } from "../helpers/push-emulators/fcm.js";

describe("FCM adapter", () => {
  let emulator: FcmEmulator;
  let fcm: FcmProvider;
  const target = (token: string): PushTarget => ({
    deviceId: "d1",
    userId: "bob@example.com",
    token,
    appId: "com.example.starling",
    platform: "android",
    locale: "zh-CN",
  });
  before(async () => {
    emulator = await startFcmEmulator();
    fcm = fcmAt(emulator);
  });
  after(async () => {
    await emulator?.stop();
  });

  test("an alert has a notification, string data, high priority and the conversation as tag", async () => {
    assert.deepEqual(await fcm.send(target(emulator.validToken), notification()), { ok: true });
    const m = emulator.messages.at(-1) as Record<string, Record<string, unknown>>;
    assert.deepEqual(m.notification, { title: "刘德华", body: "新消息" });
    assert.deepEqual(m.data, {
      kind: "message",
      conversationId: "g:0123456789abcdef",
      seq: "7",
      count: "1",
      quiet: "false",
      mention: "false",
      title: "刘德华",
      body: "新消息",
      badge: "3",
      senderId: "liudehua@example.com",
      sentAt: "1700000000000",
    });
    assert.equal(m.android?.priority, "HIGH");
    assert.equal(m.android?.collapse_key, "g:0123456789abcdef");
    assert.deepEqual(m.android?.notification, { tag: "g:0123456789abcdef", notification_count: 3 });
  });

  test("a quiet push and a clear are data-only with normal priority", async () => {
    for (const n of [notification({ quiet: true }), notification({ kind: "clear", quiet: true })]) {
      assert.deepEqual(await fcm.send(target(emulator.validToken), n), { ok: true });
      const m = emulator.messages.at(-1) as Record<string, Record<string, unknown>>;
      assert.equal(m.notification, undefined);
      assert.equal(m.android?.notification, undefined);
      assert.equal(m.android?.priority, "NORMAL");
      assert.equal(m.data?.kind, n.kind);
    }
  });

  test("a text too long for FCM's 4 KB of data is shortened, and FCM accepts the message", async () => {
    const body = "很长的消息".repeat(400);
    assert.deepEqual(await fcm.send(target(emulator.validToken), notification({ body })), { ok: true });
    const got = emulator.received.at(-1);
    assert.ok(got && got.body.length > 0 && got.body.length < body.length && got.body.endsWith("…"));
  });

  test("one access token serves many sends; a revoked one is replaced once and the send retried", async () => {
    const issued = emulator.issued;
    await fcm.send(target(emulator.validToken), notification());
    await fcm.send(target(emulator.validToken), notification());
    assert.equal(emulator.issued, issued, "no new token while the first is valid");
    emulator.revokeAll();
    assert.deepEqual(await fcm.send(target(emulator.validToken), notification()), { ok: true });
    assert.equal(emulator.issued, issued + 1);
  });

  test("a token of another project and a malformed token are dead tokens", async () => {
    const foreign = await fcm.send(target(emulator.foreignToken), notification());
    assert.equal(!foreign.ok && foreign.reason, "dead_token");
    assert.match(String(!foreign.ok && foreign.detail), /SENDER_ID_MISMATCH/);
    const malformed = await fcm.send(target(emulator.malformedToken), notification());
    assert.equal(!malformed.ok && malformed.reason, "dead_token");
    assert.match(String(!malformed.ok && malformed.detail), /INVALID_ARGUMENT/);
  });

  test("THIRD_PARTY_AUTH_ERROR is rejected without asking for another access token", async () => {
    const issued = emulator.issued;
    const out = await fcm.send(target(emulator.iosToken), notification());
    assert.equal(!out.ok && out.reason, "rejected");
    assert.match(String(!out.ok && out.detail), /THIRD_PARTY_AUTH_ERROR/);
    assert.equal(emulator.issued, issued);
  });

  test("QUOTA_EXCEEDED passes on the Retry-After", async () => {
    emulator.rateLimitNext();
    const out = await fcm.send(target(emulator.validToken), notification());
    assert.equal(!out.ok && out.reason, "rate_limited");
    assert.equal(!out.ok && out.retryAfterMs, 30_000);
  });

  test("a token endpoint that cannot be reached is retryable", async () => {
    const account = readServiceAccount(
      JSON.stringify({ ...JSON.parse(emulator.serviceAccount()), token_uri: "http://127.0.0.1:1/token" }),
    );
    assert.ok(typeof account !== "string");
    const offline = new FcmProvider({ account, endpoint: emulator.endpoint, timeoutMs: 5000 });
    const out = await offline.send(target(emulator.validToken), notification());
    assert.equal(!out.ok && out.reason, "retryable");
  });

  test("a service-account file is checked when loaded, tokens at registration", () => {
    const good = JSON.parse(emulator.serviceAccount()) as Record<string, string>;
    assert.match(String(readServiceAccount("{")), /not JSON/);
    assert.match(String(readServiceAccount(JSON.stringify({ ...good, client_email: "" }))), /client_email/);
    assert.match(
      String(readServiceAccount(JSON.stringify({ ...good, private_key: "x" }))),
      /not a PEM private key/,
    );
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const ecPem = ec.export({ type: "pkcs8", format: "pem" }).toString();
    assert.match(String(readServiceAccount(JSON.stringify({ ...good, private_key: ecPem }))), /RSA/);
    assert.equal(fcm.checkToken(emulator.validToken), undefined);
    assert.match(String(fcm.checkToken("with space")), /printable/);
    assert.match(String(fcm.checkToken("")), /printable/);
  });
});

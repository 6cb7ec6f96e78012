// The APNs adapter against the APNs emulator: what the shared provider contract does not cover.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ApnsProvider, apnsPayload, readApnsKey } from "../../src/adapters/push/apns.js";
import { signJwt } from "../../src/adapters/push/jwt.js";
import type { PushTarget } from "../../src/core/push/provider.js";
import { apnsAt } from "../contracts/push-cases/apns.js";
import { notification } from "../contracts/push-provider.js";
import {
  APNS_KEY_ID,
  APNS_TEAM_ID,
  type ApnsEmulator,
  startApnsEmulator,
} from "../helpers/push-emulators/apns.js";
import { verifyJwt } from "../helpers/push-emulators/jwt.js";

describe("APNs adapter", () => {
  let emulator: ApnsEmulator;
  let apns: ApnsProvider;
  const target = (over: Partial<PushTarget> = {}): PushTarget => ({
    deviceId: "d1",
    userId: "bob@example.com",
    token: emulator.validToken,
    appId: "com.example.starling",
    platform: "ios",
    locale: "zh-CN",
    ...over,
  });
  before(async () => {
    emulator = await startApnsEmulator();
    apns = apnsAt(emulator);
  });
  after(async () => {
    await apns?.close();
    await emulator?.stop();
  });

  test("the provider token is ES256 with kid and iss, and verifies with the key's public half", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwt = signJwt("ES256", privateKey, { iss: APNS_TEAM_ID, iat: 1_700_000_000 }, { kid: APNS_KEY_ID });
    const v = verifyJwt(jwt, "ES256", publicKey);
    assert.ok(v, "the signature verifies");
    assert.deepEqual(v.header, { alg: "ES256", typ: "JWT", kid: APNS_KEY_ID });
    assert.deepEqual(v.claims, { iss: APNS_TEAM_ID, iat: 1_700_000_000 });
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    assert.equal(verifyJwt(jwt, "ES256", other), undefined);
  });

  test("an alert is pushed with priority 10, its topic, an expiration and the conversation as thread", async () => {
    assert.deepEqual(await apns.send(target(), notification()), { ok: true });
    const h = emulator.headers.at(-1);
    assert.equal(h?.["apns-push-type"], "alert");
    assert.equal(h?.["apns-priority"], "10");
    assert.equal(h?.["apns-topic"], "com.example.starling");
    assert.ok(Number(h?.["apns-expiration"]) > Date.now() / 1000);
    const body = JSON.parse(apnsPayload(notification())) as {
      aps: Record<string, unknown>;
      starling: unknown;
    };
    assert.equal(body.aps["thread-id"], "g:0123456789abcdef");
    assert.equal(body.aps.sound, "default");
    assert.deepEqual(body.starling, notification());
  });

  test("a quiet push is a background push with priority 5", async () => {
    assert.deepEqual(await apns.send(target(), notification({ quiet: true })), { ok: true });
    const h = emulator.headers.at(-1);
    assert.equal(h?.["apns-push-type"], "background");
    assert.equal(h?.["apns-priority"], "5");
  });

  test("a device registered without a bundle id is pushed to the configured topic", async () => {
    assert.deepEqual(await apns.send(target({ appId: "" }), notification()), { ok: true });
    assert.equal(emulator.headers.at(-1)?.["apns-topic"], "com.example.starling");
  });

  test("a token of another app is a dead token (DeviceTokenNotForTopic)", async () => {
    const out = await apns.send(target({ appId: "com.example.other" }), notification());
    assert.deepEqual(out, { ok: false, reason: "dead_token", detail: "DeviceTokenNotForTopic" });
  });

  test("a long conversation id is sent as a digest that fits apns-collapse-id", async () => {
    const conversationId = `g:${"x".repeat(100)}`;
    assert.deepEqual(await apns.send(target(), notification({ conversationId })), { ok: true });
    const id = String(emulator.received.at(-1)?.collapseKey);
    assert.ok(id.length > 0 && Buffer.byteLength(id) <= 64);
    assert.notEqual(id, conversationId);
    assert.equal(emulator.received.at(-1)?.conversationId, conversationId);
  });

  test("a text too long for 4 KB is shortened, and APNs accepts the push", async () => {
    const body = "很长的消息".repeat(400);
    assert.deepEqual(await apns.send(target(), notification({ body })), { ok: true });
    const got = emulator.received.at(-1);
    assert.ok(got && got.body.length > 0 && got.body.length < body.length);
    assert.ok(got.body.endsWith("…"));
  });

  test("one HTTP/2 session carries every request, and a new one is opened after GOAWAY", async () => {
    const sessions = emulator.sessions;
    await Promise.all([1, 2, 3].map(() => apns.send(target(), notification())));
    assert.equal(emulator.sessions, sessions, "no new session for more requests");
    emulator.goAway();
    // The client may see GOAWAY before or while it sends: either way the next push goes out.
    let out = await apns.send(target(), notification());
    if (!out.ok) out = await apns.send(target(), notification());
    assert.deepEqual(out, { ok: true });
    assert.equal(emulator.sessions, sessions + 1);
  });

  test("an expired provider token is signed again once and the push retried", async () => {
    let now = Date.now();
    const clocked = apnsAt(emulator, emulator.keyPem, 10_000, () => now);
    assert.deepEqual(await clocked.send(target(), notification()), { ok: true });
    const used = emulator.providerTokens.at(-1) ?? "";
    emulator.expire(used);
    now += 21 * 60_000;
    const seen = emulator.providerTokens.length;
    assert.deepEqual(await clocked.send(target(), notification()), { ok: true });
    const sent = emulator.providerTokens.slice(seen);
    assert.equal(sent.length, 2, "the refused request and its retry");
    assert.equal(sent[0], used);
    assert.notEqual(sent[1], used);
    // The new token is kept: the next push carries it without signing again.
    assert.deepEqual(await clocked.send(target(), notification()), { ok: true });
    assert.equal(emulator.providerTokens.at(-1), sent[1]);
    await clocked.close();
  });

  test("a token refused as expired within 20 minutes of signing is not renewed (Apple refuses that)", async () => {
    const fresh = apnsAt(emulator);
    assert.deepEqual(await fresh.send(target(), notification()), { ok: true });
    const used = emulator.providerTokens.at(-1) ?? "";
    emulator.expire(used);
    const out = await fresh.send(target(), notification());
    assert.equal(!out.ok && out.reason, "rejected");
    assert.match(String(!out.ok && out.detail), /clock/);
    assert.equal(emulator.providerTokens.at(-1), used, "no new token was signed");
    await fresh.close();
  });

  test("an endpoint that cannot be reached is retryable", async () => {
    const key = readApnsKey(emulator.keyPem);
    assert.ok(typeof key !== "string");
    const offline = new ApnsProvider({
      key,
      keyId: APNS_KEY_ID,
      teamId: APNS_TEAM_ID,
      topic: "com.example.starling",
      endpoint: "https://127.0.0.1:1",
      timeoutMs: 5000,
    });
    const out = await offline.send(target(), notification());
    assert.equal(!out.ok && out.reason, "retryable");
    await offline.close();
  });

  test("a request APNs does not answer in time is retryable, and the session serves the next", async () => {
    const slow = apnsAt(emulator, emulator.keyPem, 2000);
    emulator.stallNext();
    const out = await slow.send(target(), notification());
    assert.equal(!out.ok && out.reason, "retryable");
    assert.match(String(!out.ok && out.detail), /did not answer/);
    assert.deepEqual(await slow.send(target(), notification()), { ok: true });
    await slow.close();
  });

  test("tokens are checked for shape at registration, keys when loaded", () => {
    assert.equal(apns.checkToken(emulator.validToken), undefined);
    assert.match(String(apns.checkToken("not/hex")), /hexadecimal/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    assert.match(String(readApnsKey(rsa.export({ type: "pkcs8", format: "pem" }).toString())), /P-256/);
    assert.match(String(readApnsKey("garbage")), /not a PEM private key/);
  });
});

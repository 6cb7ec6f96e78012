// The Web Push provider against the loopback push service: what the contract suite does not
// cover (the RFC 8030 headers, the exact payload, the VAPID JWT's lifetime and caching, the
// statuses only Web Push uses, subscription checks), and that the emulator refuses what a
// push service refuses.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { vapidAuthorization, vapidJwt } from "../../../src/adapters/push/vapid-jwt.js";
import { loadVapidKeys, type VapidKeys } from "../../../src/adapters/push/vapid-keys.js";
import { type WebPushOptions, WebPushProvider } from "../../../src/adapters/push/webpush.js";
import { encryptWebPush } from "../../../src/adapters/push/webpush-encryption.js";
import type { PushTarget } from "../../../src/core/push/provider.js";
import { notification } from "../../contracts/push-provider.js";
import { startWebPushEmulator, type WebPushEmulator } from "../../helpers/push-emulators/webpush.js";

const target = (token: string): PushTarget => ({
  deviceId: "d1",
  userId: "bob@example.com",
  token,
  appId: "https://chat.example.com",
  platform: "web",
  locale: "zh-CN",
});

describe("Web Push provider", () => {
  let keys: VapidKeys;
  let emulator: WebPushEmulator;
  let clock: number;
  let provider: WebPushProvider;
  const make = (over: Partial<WebPushOptions> = {}) =>
    new WebPushProvider({
      keys,
      subject: "mailto:admin@example.com",
      ttlSeconds: 600,
      timeoutMs: 5000,
      allowLoopbackHttp: true,
      now: () => clock,
      ...over,
    });

  before(async () => {
    keys = loadVapidKeys(mkdtempSync(join(tmpdir(), "starling-vapid-")), "");
    emulator = await startWebPushEmulator(keys.publicKey);
    clock = Date.now();
    provider = make();
  });
  after(async () => {
    await emulator.stop();
  });

  test("the browser receives the PushNotification exactly, with TTL, Urgency and a Topic per conversation", async () => {
    const n = notification({ mention: true, count: 2 });
    assert.deepEqual(await provider.send(target(emulator.validToken), n), { ok: true });
    const got = emulator.delivered.at(-1);
    assert.deepEqual(got?.notification, n);
    assert.equal(got?.headers.ttl, "600");
    assert.equal(got?.headers.urgency, "high");
    const topic = got?.headers.topic ?? "";
    assert.match(topic, /^[A-Za-z0-9_-]{1,32}$/);
    assert.ok(!topic.includes("0123456789abcdef"), "the topic does not show the conversation id");

    await provider.send(target(emulator.validToken), notification({ seq: 8 }));
    assert.equal(emulator.delivered.at(-1)?.headers.topic, topic, "same conversation, same topic");
    await provider.send(target(emulator.validToken), notification({ conversationId: "g:fedcba9876543210" }));
    assert.notEqual(emulator.delivered.at(-1)?.headers.topic, topic);
  });

  test("urgency: high for an alert or a mention, normal for a quiet update, low for a clear", async () => {
    const urgencyOf = async (over: Parameters<typeof notification>[0]) => {
      assert.deepEqual(await provider.send(target(emulator.validToken), notification(over)), { ok: true });
      return emulator.delivered.at(-1)?.headers.urgency;
    };
    assert.equal(await urgencyOf({}), "high");
    assert.equal(await urgencyOf({ quiet: true }), "normal");
    assert.equal(await urgencyOf({ quiet: true, mention: true }), "high");
    assert.equal(await urgencyOf({ kind: "clear", quiet: true }), "low");
  });

  test("one JWT per push service until shortly before it expires, and a new one after a refusal", async () => {
    const fresh = make();
    await fresh.send(target(emulator.validToken), notification());
    await fresh.send(target(emulator.subscribe()), notification());
    const [a, b] = emulator.delivered.slice(-2).map((d) => d.jwt);
    assert.equal(a, b, "cached for the origin");
    const claims = JSON.parse(Buffer.from(String(a).split(".")[1] ?? "", "base64url").toString("utf8"));
    assert.equal(claims.aud, emulator.origin);
    assert.equal(claims.sub, "mailto:admin@example.com");

    // Near the end of its life (the emulator checks exp against its own clock, 24 h at most).
    clock += 11 * 3600 * 1000 + 55 * 60 * 1000;
    await fresh.send(target(emulator.validToken), notification());
    const c = emulator.delivered.at(-1)?.jwt;
    assert.notEqual(c, a, "renewed before expiry");

    emulator.answerNext(401, "expired");
    assert.equal((await fresh.send(target(emulator.validToken), notification())).ok, false);
    clock += 1000;
    assert.deepEqual(await fresh.send(target(emulator.validToken), notification()), { ok: true });
    assert.notEqual(emulator.delivered.at(-1)?.jwt, c, "a refused JWT is not used again");
    clock = Date.now();
  });

  test("404 and 410 are dead subscriptions; 400 and 413 are refused without retry", async () => {
    for (const [status, reason] of [
      [404, "dead_token"],
      [410, "dead_token"],
      [400, "rejected"],
      [413, "rejected"],
    ] as const) {
      emulator.answerNext(status, "no");
      const out = await provider.send(target(emulator.validToken), notification());
      assert.equal(!out.ok && out.reason, reason, `HTTP ${status}`);
    }
  });

  test("the retry hint of a rate limit is passed on", async () => {
    emulator.rateLimitNext();
    const out = await provider.send(target(emulator.validToken), notification());
    assert.deepEqual(out.ok ? undefined : [out.reason, out.retryAfterMs], ["rate_limited", 7000]);
  });

  test("a preview too long for one push message is shortened; the rest arrives as it is", async () => {
    const long = "长".repeat(3000);
    const out = await provider.send(target(emulator.validToken), notification({ body: long }));
    assert.deepEqual(out, { ok: true });
    const got = emulator.delivered.at(-1)?.notification;
    assert.ok(got && got.body.length < long.length && got.body.endsWith("…"));
    assert.ok(long.startsWith(got.body.slice(0, -1)));
    assert.deepEqual({ ...got, body: "" }, { ...notification(), body: "" });
  });

  test("a push service that cannot be reached is retryable", async () => {
    const gone = await startWebPushEmulator(keys.publicKey);
    const token = gone.validToken;
    await gone.stop();
    const out = await provider.send(target(token), notification());
    assert.equal(!out.ok && out.reason, "retryable");
  });

  test("subscriptions are checked at registration", () => {
    const good = JSON.parse(emulator.validToken) as {
      endpoint: string;
      keys: { p256dh: string; auth: string };
    };
    const token = (over: object) => JSON.stringify({ ...good, ...over });
    const https = token({ endpoint: "https://fcm.googleapis.com/fcm/send/abc" });
    const p = make({ allowLoopbackHttp: false });
    assert.equal(p.checkToken(https), undefined);
    assert.match(
      String(p.checkToken(emulator.validToken)),
      /https/,
      "plain http only to a loopback emulator",
    );
    assert.equal(provider.checkToken(emulator.validToken), undefined);
    assert.match(String(provider.checkToken(token({ endpoint: "http://push.example.com/x" }))), /https/);
    assert.match(String(p.checkToken("not json")), /PushSubscription/);
    assert.match(String(p.checkToken(token({ endpoint: 5 }))), /endpoint/);
    assert.match(String(p.checkToken(token({ endpoint: "https://u:p@push.example.com/x" }))), /credentials/);
    const keysWith = (k: object) =>
      JSON.stringify({ endpoint: "https://push.example.com/x", keys: { ...good.keys, ...k } });
    assert.match(String(p.checkToken(keysWith({ p256dh: good.keys.p256dh.slice(0, 40) }))), /p256dh/);
    const offCurve = Buffer.concat([Buffer.of(4), Buffer.alloc(64, 1)]).toString("base64url");
    assert.match(String(p.checkToken(keysWith({ p256dh: offCurve }))), /p256dh/);
    assert.match(String(p.checkToken(keysWith({ p256dh: `${good.keys.p256dh.slice(0, -1)}*` }))), /p256dh/);
    assert.match(String(p.checkToken(keysWith({ auth: Buffer.alloc(15).toString("base64url") }))), /auth/);
    assert.match(String(p.checkToken(keysWith({ auth: undefined }))), /auth/);
    assert.match(
      String(p.checkToken(token({ endpoint: `https://push.example.com/${"x".repeat(5000)}` }))),
      /at most/,
    );
  });

  test("the push service emulator refuses what a real one refuses", async () => {
    const sub = JSON.parse(emulator.validToken) as {
      endpoint: string;
      keys: { p256dh: string; auth: string };
    };
    const origin = emulator.origin;
    const hour = 3600 * 1000;
    const jwt = (over: { aud?: string; exp?: number; sub?: string; key?: VapidKeys } = {}) =>
      vapidJwt(
        (over.key ?? keys).privateKey,
        over.aud ?? origin,
        over.sub ?? "mailto:admin@example.com",
        over.exp ?? Date.now() + hour,
      );
    const body = encryptWebPush(
      Buffer.from(JSON.stringify(notification())),
      Buffer.from(sub.keys.p256dh, "base64url"),
      Buffer.from(sub.keys.auth, "base64url"),
    );
    const post = async (headers: Record<string, string>, b: Uint8Array = body) =>
      (
        await fetch(sub.endpoint, {
          method: "POST",
          headers: {
            ttl: "60",
            "content-encoding": "aes128gcm",
            authorization: vapidAuthorization(jwt(), keys.publicKey),
            ...headers,
          },
          body: new Uint8Array(b),
        })
      ).status;
    const other = loadVapidKeys(mkdtempSync(join(tmpdir(), "starling-vapid-")), "");
    assert.equal(await post({}), 201, "a well-formed push is taken");
    const auth = (t: string, k = keys.publicKey) => ({ authorization: vapidAuthorization(t, k) });
    assert.equal(await post({ authorization: `WebPush ${jwt()}` }), 401, "not vapid");
    assert.equal(await post(auth(jwt({ key: other }))), 401, "signed by another key than k");
    assert.equal(await post(auth(jwt({ aud: "https://push.example.com" }))), 401, "another audience");
    assert.equal(await post(auth(jwt({ exp: Date.now() - 1000 }))), 401, "expired");
    assert.equal(await post(auth(jwt({ exp: Date.now() + 25 * hour }))), 401, "more than 24 h");
    assert.equal(await post(auth(jwt({ sub: "admin" }))), 401, "no contact");
    assert.equal(await post(auth(jwt({ key: other }), other.publicKey)), 403, "not the subscription's key");
    assert.equal(await post({ ttl: "" }), 400, "no TTL");
    assert.equal(await post({ "content-encoding": "aesgcm" }), 400, "the old coding");
    assert.equal(await post({ topic: "x".repeat(33) }), 400, "a topic too long");
    const tampered = Buffer.from(body);
    tampered[100] = (tampered[100] ?? 0) ^ 1;
    assert.equal(await post({}, tampered), 400, "a body that does not decrypt");
    assert.equal(await post({}, Buffer.alloc(4097)), 413, "larger than 4096 bytes");
  });
});

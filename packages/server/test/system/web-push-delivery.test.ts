import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PresenceStatus } from "@starling/protocol";
import { loadVapidKeys } from "../../src/adapters/push/vapid-keys.js";
import { WebPushProvider } from "../../src/adapters/push/webpush.js";
import { type Client, login } from "../helpers/clients.js";
import { poll, waitUntil } from "../helpers/poll.js";
import { startWebPushEmulator, type WebPushEmulator } from "../helpers/push-emulators/webpush.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

/**
 * Web Push through the whole server: a browser's subscription registered over the protocol, a
 * message to its user while they are offline, and the push service (an emulator that checks
 * VAPID and decrypts as the browser does) receiving exactly one notification with what the
 * service worker needs; a read on another device withdraws it; a subscription the push service
 * calls gone is removed.
 */
describe("Web Push from message to push service", () => {
  let ts: TestServer;
  let service: WebPushEmulator;
  let alice: Client;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "starling-webpush-e2e-"));
    const keys = loadVapidKeys(dir, "");
    service = await startWebPushEmulator(keys.publicKey);
    const provider = new WebPushProvider({
      keys,
      subject: "mailto:admin@example.com",
      ttlSeconds: 3600,
      timeoutMs: 10_000,
      allowLoopbackHttp: true,
    });
    ts = await startTestServer({ "push.collapseMs": 0 }, undefined, {
      push: { providers: [provider], webPushPublicKey: keys.publicKey },
    });
    for (const u of ["alice", "bob"]) await ts.addUser(u);
    alice = await login(ts, "alice");
  });
  after(async () => {
    await alice.close();
    await ts.close();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("bob's browser, subscribed with the server's key, is notified once while he is away; a read withdraws it", async () => {
    // Bob's browser subscribes with the key the Welcome names, and registers the subscription.
    const bobTab = await login(ts, "bob");
    const welcome = await bobTab.sdk.connect();
    assert.deepEqual(welcome.pushProviders, ["webpush"]);
    const subscription = service.subscribe(welcome.webpushPublicKey);
    await bobTab.sdk.registerPushDevice({
      provider: "webpush",
      platform: "web",
      appId: "https://chat.example.com",
      token: subscription,
      locale: "zh-CN",
    });
    // He closes the tab.
    await bobTab.close();
    await waitUntil(
      () => ts.server.core.presence.state(`bob@${ts.domain}`).status === PresenceStatus.OFFLINE,
      "bob offline",
    );

    const ack = await alice.sdk.send({ to: "bob", text: "明天十点开会" });
    await waitUntil(() => service.delivered.length >= 1, "the push at the push service");
    const [push] = service.delivered;
    assert.ok(push);
    assert.equal(push.token, subscription);
    assert.equal(push.notification.kind, "message");
    assert.equal(push.notification.conversationId, ack.conversationId);
    assert.equal(push.notification.seq, Number(ack.seq));
    assert.equal(push.notification.senderId, `alice@${ts.domain}`);
    assert.equal(push.notification.quiet, false);
    // Content is hidden by default: the sender's name and "new message", never the text.
    assert.equal(push.notification.title, "alice");
    assert.ok(!JSON.stringify(push.notification).includes("开会"), "no preview by default");
    assert.equal(push.notification.badge, 1);
    assert.equal(push.headers.urgency, "high");
    assert.ok(push.headers.topic && push.headers.topic.length <= 32);

    // Bob reads it on his phone: the browser is told to close the notification.
    const phone = await login(ts, "bob");
    try {
      await phone.sdk.markRead(ack.conversationId, ack.seq);
      await waitUntil(() => service.delivered.some((d) => d.notification.kind === "clear"), "the clear");
      const clear = service.delivered.find((d) => d.notification.kind === "clear");
      assert.equal(clear?.notification.conversationId, ack.conversationId);
      assert.equal(
        service.delivered.filter((d) => d.notification.kind === "message").length,
        1,
        "exactly one",
      );
    } finally {
      await phone.close();
    }
  });

  test("a subscription the push service calls gone is removed", async () => {
    const bob = `bob@${ts.domain}`;
    await waitUntil(
      () => ts.server.core.presence.state(bob).status === PresenceStatus.OFFLINE,
      "bob offline",
    );
    const before = (await ts.server.core.pushDevices.list(bob)).length;
    assert.equal(before, 1);
    service.answerNext(410, "subscription expired");
    await alice.sdk.send({ to: "bob", text: "are you there?" });
    await poll(
      () => ts.server.core.pushDevices.list(bob),
      (devices) => devices.length === 0,
      "the device removed",
    );
  });
});

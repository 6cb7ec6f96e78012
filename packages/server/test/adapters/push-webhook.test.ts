// The webhook adapter against a relay written from the documented contract.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { WebhookProvider } from "../../src/adapters/push/webhook.js";
import { notification } from "../contracts/push-provider.js";
import {
  startWebhookEmulator,
  WEBHOOK_SECRET,
  type WebhookEmulator,
} from "../helpers/push-emulators/webhook.js";

describe("webhook push adapter", () => {
  let relay: WebhookEmulator;
  let hook: WebhookProvider;
  const target = {
    deviceId: "d1",
    userId: "bob@example.com",
    token: "relay-device-token",
    appId: "com.example.starling",
    platform: "harmony",
    locale: "zh-CN",
  };
  before(async () => {
    relay = await startWebhookEmulator();
    hook = new WebhookProvider({ url: relay.url, secret: WEBHOOK_SECRET, timeoutMs: 10_000 });
  });
  after(async () => {
    await relay?.stop();
  });

  test("the relay gets the device and the notification as they are", async () => {
    assert.deepEqual(await hook.send(target, notification({ mention: true })), { ok: true });
    assert.deepEqual(relay.bodies.at(-1), {
      device: {
        id: "d1",
        token: "relay-device-token",
        platform: "harmony",
        appId: "com.example.starling",
        locale: "zh-CN",
      },
      notification: notification({ mention: true }),
    });
  });

  test("a stale timestamp is refused by the relay and told as rejected", async () => {
    const stale = new WebhookProvider({
      url: relay.url,
      secret: WEBHOOK_SECRET,
      timeoutMs: 10_000,
      now: () => Date.now() - 3_600_000,
    });
    const failures = relay.authFailures;
    const out = await stale.send(target, notification());
    assert.equal(!out.ok && out.reason, "rejected");
    assert.equal(relay.authFailures, failures + 1);
  });

  test("429 passes on the Retry-After; another 4xx is rejected", async () => {
    relay.rateLimitNext();
    const limited = await hook.send(target, notification());
    assert.equal(!limited.ok && limited.retryAfterMs, 5000);
    const wrongPath = new WebhookProvider({
      url: `${relay.url}/nowhere`,
      secret: WEBHOOK_SECRET,
      timeoutMs: 10_000,
    });
    const out = await wrongPath.send(target, notification());
    assert.equal(!out.ok && out.reason, "rejected");
  });
});

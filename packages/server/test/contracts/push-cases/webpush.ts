import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadVapidKeys } from "../../../src/adapters/push/vapid-keys.js";
import { WebPushProvider } from "../../../src/adapters/push/webpush.js";
import { startWebPushEmulator } from "../../helpers/push-emulators/webpush.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "webpush",
  async start() {
    const keys = loadVapidKeys(mkdtempSync(join(tmpdir(), "starling-vapid-")), "");
    const other = loadVapidKeys(mkdtempSync(join(tmpdir(), "starling-vapid-")), "");
    const emulator = await startWebPushEmulator(keys.publicKey);
    const options = {
      subject: "mailto:admin@example.com",
      ttlSeconds: 3600,
      timeoutMs: 5000,
      allowLoopbackHttp: true,
    };
    return {
      emulator,
      provider: new WebPushProvider({ ...options, keys }),
      // Another server's key: the push service refuses it for subscriptions made with this one.
      wrongCredentials: new WebPushProvider({ ...options, keys: other }),
    };
  },
  // The payload reaches the service worker, which closes the conversation's notification.
  clears: true,
  // The payload carries the badge for the service worker's navigator.setAppBadge.
  badges: true,
};

import { WebhookProvider } from "../../../src/adapters/push/webhook.js";
import { startWebhookEmulator, WEBHOOK_SECRET } from "../../helpers/push-emulators/webhook.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "webhook",
  clears: true,
  badges: true,
  async start() {
    const emulator = await startWebhookEmulator();
    const at = (secret: string) => new WebhookProvider({ url: emulator.url, secret, timeoutMs: 10_000 });
    return { emulator, provider: at(WEBHOOK_SECRET), wrongCredentials: at("another secret") };
  },
};

import { XiaomiProvider } from "../../../src/adapters/push/xiaomi.js";
import { startXiaomiEmulator } from "../../helpers/push-emulators/xiaomi.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "xiaomi",
  // A clear is a pass-through message: the app withdraws the notification (clearNotification).
  clears: true,
  badges: false,
  async start() {
    const emulator = await startXiaomiEmulator();
    const options = { appSecret: emulator.appSecret, apiUrl: emulator.url, channelId: "starling_messages" };
    return {
      emulator,
      provider: new XiaomiProvider(options),
      wrongCredentials: new XiaomiProvider({ ...options, appSecret: "not-the-secret" }),
    };
  },
};

import { OppoProvider } from "../../../src/adapters/push/oppo.js";
import { startOppoEmulator } from "../../helpers/push-emulators/oppo.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "oppo",
  clears: false,
  badges: false,
  async start() {
    const emulator = await startOppoEmulator();
    const options = {
      appKey: emulator.appKey,
      masterSecret: emulator.masterSecret,
      apiUrl: emulator.url,
      channelId: "starling_messages",
    };
    return {
      emulator,
      provider: new OppoProvider(options),
      wrongCredentials: new OppoProvider({ ...options, masterSecret: "not-the-secret" }),
    };
  },
};

import { VivoProvider } from "../../../src/adapters/push/vivo.js";
import { startVivoEmulator } from "../../helpers/push-emulators/vivo.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "vivo",
  clears: false,
  badges: false,
  async start() {
    const emulator = await startVivoEmulator();
    const options = {
      appId: emulator.appId,
      appKey: emulator.appKey,
      appSecret: emulator.appSecret,
      apiUrl: emulator.url,
    };
    return {
      emulator,
      provider: new VivoProvider(options),
      wrongCredentials: new VivoProvider({ ...options, appSecret: "not-the-secret" }),
    };
  },
};

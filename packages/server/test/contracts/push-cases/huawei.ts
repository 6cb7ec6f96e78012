import { HuaweiProvider } from "../../../src/adapters/push/huawei.js";
import { startHuaweiEmulator } from "../../helpers/push-emulators/huawei.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "huawei",
  clears: false,
  badges: true,
  async start() {
    const emulator = await startHuaweiEmulator();
    const options = {
      appId: emulator.appId,
      clientSecret: emulator.clientSecret,
      tokenUrl: `${emulator.url}/oauth2/v3/token`,
      apiUrl: emulator.url,
      badgeClass: "com.example.starling.MainActivity",
    };
    return {
      emulator,
      provider: new HuaweiProvider(options),
      wrongCredentials: new HuaweiProvider({ ...options, clientSecret: "not-the-secret" }),
    };
  },
};

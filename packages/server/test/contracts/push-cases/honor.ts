import { HonorProvider } from "../../../src/adapters/push/honor.js";
import { startHonorEmulator } from "../../helpers/push-emulators/honor.js";
import type { ProviderCase } from "../push-provider.js";

export const pushCase: ProviderCase = {
  name: "honor",
  clears: false,
  badges: true,
  async start() {
    const emulator = await startHonorEmulator();
    const options = {
      appId: emulator.appId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      tokenUrl: `${emulator.url}/auth/realms/developer/protocol/openid-connect/token`,
      apiUrl: emulator.url,
      badgeClass: "com.example.starling.MainActivity",
    };
    return {
      emulator,
      provider: new HonorProvider(options),
      wrongCredentials: new HonorProvider({ ...options, clientSecret: "not-the-secret" }),
    };
  },
};

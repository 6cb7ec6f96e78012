import { generateKeyPairSync } from "node:crypto";
import { FcmProvider, readServiceAccount } from "../../../src/adapters/push/fcm.js";
import { type FcmEmulator, startFcmEmulator } from "../../helpers/push-emulators/fcm.js";
import type { ProviderCase } from "../push-provider.js";

/** The adapter pointed at the emulator with a service-account file signed by `keyPem`. */
export function fcmAt(emulator: FcmEmulator, keyPem?: string): FcmProvider {
  const account = readServiceAccount(emulator.serviceAccount(keyPem));
  if (typeof account === "string") throw new Error(account);
  return new FcmProvider({ account, endpoint: emulator.endpoint, timeoutMs: 10_000 });
}

export const pushCase: ProviderCase = {
  name: "fcm",
  clears: true,
  badges: true,
  async start() {
    const emulator = await startFcmEmulator();
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    return {
      emulator,
      provider: fcmAt(emulator),
      wrongCredentials: fcmAt(emulator, other.export({ type: "pkcs8", format: "pem" }).toString()),
    };
  },
};

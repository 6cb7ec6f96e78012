import { generateKeyPairSync } from "node:crypto";
import { ApnsProvider, readApnsKey } from "../../../src/adapters/push/apns.js";
import {
  APNS_KEY_ID,
  APNS_TEAM_ID,
  APNS_TOPIC,
  type ApnsEmulator,
  startApnsEmulator,
} from "../../helpers/push-emulators/apns.js";
import type { ProviderCase } from "../push-provider.js";

/** The adapter pointed at the emulator, signing with `keyPem`. */
export function apnsAt(
  emulator: ApnsEmulator,
  keyPem = emulator.keyPem,
  timeoutMs = 10_000,
  now: () => number = Date.now,
): ApnsProvider {
  const key = readApnsKey(keyPem);
  if (typeof key === "string") throw new Error(key);
  return new ApnsProvider({
    key,
    keyId: APNS_KEY_ID,
    teamId: APNS_TEAM_ID,
    topic: APNS_TOPIC,
    endpoint: emulator.endpoint,
    ca: emulator.ca,
    timeoutMs,
    now,
  });
}

export const pushCase: ProviderCase = {
  name: "apns",
  clears: true,
  badges: true,
  async start() {
    const emulator = await startApnsEmulator();
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    return {
      emulator,
      provider: apnsAt(emulator),
      wrongCredentials: apnsAt(emulator, other.export({ type: "pkcs8", format: "pem" }).toString()),
    };
  },
};

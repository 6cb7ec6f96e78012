import { PROTOCOL_MAX_VERSION, PROTOCOL_MIN_VERSION } from "@starling/protocol";
import type { Compressor } from "./compression.js";
import type { HelloInit } from "./connection.js";
import type { DeviceInfo } from "./options.js";

/** The first request of every connection: versions, device, compression offer and login. */
export function buildHello(
  device: DeviceInfo,
  deviceId: string,
  compressor: Compressor | undefined,
  auth: HelloInit["auth"],
): HelloInit {
  return {
    minVersion: PROTOCOL_MIN_VERSION,
    maxVersion: PROTOCOL_MAX_VERSION,
    client: { platform: device.platform ?? "browser", appVersion: device.appVersion ?? "", deviceId },
    compression: compressor ? [compressor.name] : [],
    auth,
  };
}

import { create, type PushDevice, PushDeviceSchema } from "@starling/protocol";
import type { PushDeviceRecord } from "../kernel/records.js";

/** A stored registration as push.proto PushDevice. */
export function pushDeviceMessage(d: PushDeviceRecord): PushDevice {
  return create(PushDeviceSchema, {
    id: d.id,
    provider: d.provider,
    platform: d.platform,
    appId: d.appId,
    token: d.token,
    locale: d.locale,
    createdAt: BigInt(d.createdAt),
    lastUsedAt: BigInt(d.lastUsedAt),
  });
}

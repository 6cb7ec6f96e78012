import type { StarlingConfig } from "./adapters/config/load.js";
import type { Logger } from "./core/kernel/ports.js";
import type { PushProvider } from "./core/push/provider.js";

export interface PushProviderDeps {
  config: StarlingConfig;
  /** The data folder (for keys made on first start, such as the VAPID key pair). */
  dataDir: string;
  log: Logger;
}

/**
 * The push providers this server delivers through, built from the configuration: part of the
 * composition root, like main.ts. A provider is on when its settings are given.
 */
export async function buildPushProviders(deps: PushProviderDeps): Promise<PushProvider[]> {
  void deps;
  const providers: PushProvider[] = [];
  // slot: webpush
  // end: webpush

  // slot: apns
  // end: apns

  // slot: fcm
  // end: fcm

  // slot: webhook
  // end: webhook

  // slot: huawei
  // end: huawei

  // slot: xiaomi
  // end: xiaomi

  // slot: oppo
  // end: oppo

  // slot: vivo
  // end: vivo

  // slot: honor
  // end: honor

  // slot: xmpp
  // end: xmpp
  return providers;
}

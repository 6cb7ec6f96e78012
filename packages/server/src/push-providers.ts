import type { StarlingConfig } from "./adapters/config/load.js";
import { loadVapidKeys } from "./adapters/push/vapid-keys.js";
import { WebPushProvider } from "./adapters/push/webpush.js";
import type { Logger } from "./core/kernel/ports.js";
import type { PushProvider } from "./core/push/provider.js";

export interface PushProviderDeps {
  config: StarlingConfig;
  /** The data folder (for keys made on first start, such as the VAPID key pair). */
  dataDir: string;
  log: Logger;
}

export interface BuiltPushProviders {
  providers: PushProvider[];
  /** For Welcome.webpush_public_key: raw P-256 public key, base64url. */
  webPushPublicKey?: string;
}

/**
 * The push providers this server delivers through, built from the configuration: part of the
 * composition root, like main.ts. A provider is on when its settings are given.
 */
export async function buildPushProviders(deps: PushProviderDeps): Promise<BuiltPushProviders> {
  void deps;
  const providers: PushProvider[] = [];
  /** The Web Push application server key (VAPID), set by the webpush slot when it is on. */
  let webPushPublicKey: string | undefined;
  // slot: webpush
  if (deps.config.push.webpush.enabled) {
    const { keyFile, ttlSeconds, timeoutMs } = deps.config.push.webpush;
    const subject = deps.config.push.webpush.subject || `mailto:admin@${deps.config.domain}`;
    // RFC 8292 §2.1: push services refuse a sub that is no contact.
    if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(subject))
      throw new Error(`push.webpush.subject: "${subject}" is not a mailto: or https: contact`);
    const keys = loadVapidKeys(deps.dataDir, keyFile);
    if (keys.created) deps.log.info({ file: keys.file }, "made the Web Push (VAPID) key pair; back it up");
    providers.push(new WebPushProvider({ keys, subject, ttlSeconds, timeoutMs }));
    webPushPublicKey = keys.publicKey;
  }
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
  return { providers, ...(webPushPublicKey ? { webPushPublicKey } : {}) };
}

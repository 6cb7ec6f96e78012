import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, type StarlingConfig } from "./adapters/config/load.js";
import { ApnsProvider, readApnsKey } from "./adapters/push/apns.js";
import { FcmProvider, readServiceAccount } from "./adapters/push/fcm.js";
import { HonorProvider } from "./adapters/push/honor.js";
import { HuaweiProvider } from "./adapters/push/huawei.js";
import { OppoProvider } from "./adapters/push/oppo.js";
import { loadVapidKeys } from "./adapters/push/vapid-keys.js";
import { VivoProvider } from "./adapters/push/vivo.js";
import { WebhookProvider } from "./adapters/push/webhook.js";
import { WebPushProvider } from "./adapters/push/webpush.js";
import { XiaomiProvider } from "./adapters/push/xiaomi.js";
import { XmppPushProvider } from "./adapters/push/xmpp-push.js";
import { ensureTls } from "./adapters/tls/self-signed.js";
import type { Logger } from "./core/kernel/ports.js";
import type { PushProvider } from "./core/push/provider.js";
import { PushPublisher } from "./doors/xmpp/s2s/push-publisher.js";
import { parseRoutes } from "./doors/xmpp/s2s/s2s-routes.js";

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
  {
    const c = deps.config.push.apns;
    if (c.keyFile && c.keyId && c.teamId) {
      const key = readApnsKey(settingFile("push.apns.keyFile", c.keyFile));
      if (typeof key === "string") throw new ConfigError([`push.apns.keyFile: ${c.keyFile} is ${key}`]);
      providers.push(
        new ApnsProvider({
          key,
          keyId: c.keyId,
          teamId: c.teamId,
          topic: c.topic,
          endpoint: settingUrl("push.apns.endpoint", c.endpoint),
          ...(c.caFile ? { ca: settingFile("push.apns.caFile", c.caFile) } : {}),
          timeoutMs: c.timeoutMs,
        }),
      );
    } else if (c.keyFile || c.keyId || c.teamId)
      deps.log.warn({ provider: "apns" }, "push.apns.keyFile, keyId and teamId go together: apns is off");
  }
  // end: apns

  // slot: fcm
  {
    const c = deps.config.push.fcm;
    if (c.serviceAccountFile) {
      const account = readServiceAccount(settingFile("push.fcm.serviceAccountFile", c.serviceAccountFile));
      if (typeof account === "string")
        throw new ConfigError([`push.fcm.serviceAccountFile: ${c.serviceAccountFile}: ${account}`]);
      const endpoint = settingUrl("push.fcm.endpoint", c.endpoint).replace(/\/+$/, "");
      providers.push(new FcmProvider({ account, endpoint, timeoutMs: c.timeoutMs }));
    }
  }
  // end: fcm

  // slot: webhook
  {
    const c = deps.config.push.webhook;
    if (c.url && c.secret) {
      providers.push(new WebhookProvider({ ...c, url: settingUrl("push.webhook.url", c.url) }));
    } else if (c.url || c.secret)
      deps.log.warn(
        { provider: "webhook" },
        "push.webhook.url and push.webhook.secret go together: webhook is off",
      );
  }
  // end: webhook

  // slot: huawei
  {
    const c = deps.config.push.huawei;
    if (c.appId && c.clientSecret) providers.push(new HuaweiProvider(c));
    else if (c.appId || c.clientSecret)
      deps.log.warn(
        { provider: "huawei" },
        "push.huawei.appId and push.huawei.clientSecret go together: huawei is off",
      );
  }
  // end: huawei

  // slot: xiaomi
  {
    const c = deps.config.push.xiaomi;
    if (c.appSecret) providers.push(new XiaomiProvider(c));
  }
  // end: xiaomi

  // slot: oppo
  {
    const c = deps.config.push.oppo;
    if (c.appKey && c.masterSecret) providers.push(new OppoProvider(c));
    else if (c.appKey || c.masterSecret)
      deps.log.warn(
        { provider: "oppo" },
        "push.oppo.appKey and push.oppo.masterSecret go together: oppo is off",
      );
  }
  // end: oppo

  // slot: vivo
  {
    const c = deps.config.push.vivo;
    if (c.appId && c.appKey && c.appSecret) providers.push(new VivoProvider(c));
    else if (c.appId || c.appKey || c.appSecret)
      deps.log.warn({ provider: "vivo" }, "push.vivo.appId, appKey and appSecret go together: vivo is off");
  }
  // end: vivo

  // slot: honor
  {
    const c = deps.config.push.honor;
    if (c.appId && c.clientId && c.clientSecret) providers.push(new HonorProvider(c));
    else if (c.appId || c.clientId || c.clientSecret)
      deps.log.warn(
        { provider: "honor" },
        "push.honor.appId, clientId and clientSecret go together: honor is off",
      );
  }
  // end: honor

  // slot: xmpp
  const xmppPush = deps.config.push.xmpp;
  if (deps.config.xmpp.enabled && xmppPush.enabled) {
    const routes = parseRoutes(xmppPush.routes);
    if (typeof routes === "string") throw new Error(`push.xmpp.routes: ${routes}`);
    let ca: string | undefined;
    try {
      ca = xmppPush.caFile ? readFileSync(xmppPush.caFile, "utf8") : undefined;
    } catch (err) {
      throw new Error(`push.xmpp.caFile: cannot read ${xmppPush.caFile} (${(err as Error).message})`);
    }
    // The certificate the XMPP listener serves (made on first start when none is configured).
    const own = await ensureTls(
      join(deps.dataDir, "tls"),
      deps.config.tls.cert,
      deps.config.tls.key,
      deps.config.domain,
    );
    const publisher = new PushPublisher({
      host: deps.config.tcp.host,
      port: xmppPush.s2sPort,
      routes,
      ca,
      identity: { key: own.key, cert: own.cert },
      connectTimeoutMs: xmppPush.connectTimeoutMs,
      iqTimeoutMs: xmppPush.iqTimeoutMs,
      idleTimeoutMs: xmppPush.idleTimeoutMs,
      maxPending: xmppPush.maxPending,
      log: deps.log,
    });
    await publisher.start();
    providers.push(new XmppPushProvider(publisher));
  }
  // end: xmpp
  return { providers, ...(webPushPublicKey ? { webPushPublicKey } : {}) };
}

/** A file a setting names, read at start; one that cannot be read is a configuration problem. */
function settingFile(key: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError([
      `${key}: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`,
    ]);
  }
}

/** A URL a setting names: http:// or https://, else a configuration problem. */
function settingUrl(key: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:" && url?.protocol !== "http:")
    throw new ConfigError([`${key}: "${value}" is not an http:// or https:// URL`]);
  return value;
}

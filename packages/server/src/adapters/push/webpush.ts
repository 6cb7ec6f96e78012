import { createHash, createPublicKey } from "node:crypto";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { AccessToken } from "./access-token.js";
import { httpCall, outcomeOfStatus, unreachable } from "./http-call.js";
import { VAPID_MAX_LIFETIME_MS, vapidAuthorization, vapidJwt } from "./vapid-jwt.js";
import type { VapidKeys } from "./vapid-keys.js";
import { encryptWebPush, MAX_WEBPUSH_PLAINTEXT } from "./webpush-encryption.js";

export interface WebPushOptions {
  keys: Pick<VapidKeys, "privateKey" | "publicKey">;
  /** RFC 8292 §2.1 `sub`: a mailto: or https: contact for the push service's operator. */
  subject: string;
  /** RFC 8030 §5.2: how long the push service keeps a message for an offline browser. */
  ttlSeconds: number;
  timeoutMs: number;
  /**
   * Also accept http:// endpoints on 127.0.0.1 / localhost (a push service emulator). Off in
   * production: every real push service is https, and a registered http endpoint on loopback
   * would have the server post to whatever listens on its own ports.
   */
  allowLoopbackHttp?: boolean;
  now?: () => number;
}

/** A subscription's JSON (PushSubscription.toJSON()) is a few hundred characters; this bounds what is stored and parsed. */
const MAX_SUBSCRIPTION_CHARS = 4096;
/** The VAPID JWT's lifetime: half of the RFC 8292 maximum, so a push service's clock may be behind. */
const JWT_LIFETIME_MS = VAPID_MAX_LIFETIME_MS / 2;
/** A cached JWT is replaced this long before it expires. */
const JWT_RENEW_MARGIN_MS = 10 * 60 * 1000;
/** JWTs are cached per push service origin; real subscriptions use a handful, registered ones can name any. */
const MAX_CACHED_ORIGINS = 64;
/** How much of a push service's error text goes into the log line. */
const MAX_DETAIL_CHARS = 200;

interface Subscription {
  endpoint: URL;
  p256dh: Buffer;
  auth: Buffer;
}

/**
 * Web Push (RFC 8030) to a browser's push service: the notification, encrypted for the
 * browser (RFC 8291), with the server identifying itself by its VAPID key (RFC 8292). Needs no
 * account with anyone: the browser's subscription names the push service and the keys.
 */
export class WebPushProvider implements PushProvider {
  readonly name = "webpush";
  private readonly jwts = new Map<string, AccessToken>();
  private readonly now: () => number;

  constructor(private readonly options: WebPushOptions) {
    this.now = options.now ?? Date.now;
  }

  checkToken(token: string): string | undefined {
    const s = this.parse(token);
    return typeof s === "string" ? s : undefined;
  }

  async send(target: PushTarget, notification: PushNotification): Promise<PushOutcome> {
    const sub = this.parse(target.token);
    // Registration checks the token, so only a changed rule gets here; it can never be sent.
    if (typeof sub === "string") return { ok: false, reason: "dead_token", detail: sub };
    const plaintext = payload(notification);
    if (!plaintext) return { ok: false, reason: "rejected", detail: "notification too large for Web Push" };
    const origin = sub.endpoint.origin;
    let authorization: string;
    try {
      authorization = vapidAuthorization(await this.jwt(origin), this.options.keys.publicKey);
    } catch (err) {
      return { ok: false, reason: "rejected", detail: err instanceof Error ? err.message : String(err) };
    }
    const body = encryptWebPush(plaintext, sub.p256dh, sub.auth);
    let answer: Awaited<ReturnType<typeof httpCall>>;
    try {
      answer = await httpCall(sub.endpoint.href, {
        headers: {
          authorization,
          "content-encoding": "aes128gcm",
          "content-type": "application/octet-stream",
          ttl: String(this.options.ttlSeconds),
          urgency: urgency(notification),
          topic: topic(notification.conversationId),
        },
        body,
        timeoutMs: this.options.timeoutMs,
      });
    } catch (err) {
      return unreachable(err);
    }
    // RFC 8030 §5: 201 Created; some push services answer 200 or 202.
    if (answer.status >= 200 && answer.status < 300) return { ok: true };
    const detail = `HTTP ${answer.status}${answer.text ? `: ${answer.text.slice(0, MAX_DETAIL_CHARS)}` : ""}`;
    // RFC 8030 §7.3: the subscription expired or the browser unsubscribed.
    if (answer.status === 404 || answer.status === 410) return { ok: false, reason: "dead_token", detail };
    // A refused JWT may have expired early by the push service's clock: the next push signs a new one.
    if (answer.status === 401 || answer.status === 403) this.jwts.get(origin)?.invalidate();
    // 400 (malformed), 413 (RFC 8030 §7.2: payload too large) and other refusals are not retried.
    return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
  }

  /** RFC 8292 §2: the JWT's audience is the push resource's origin; one JWT serves every push to it until it nears expiry. */
  private jwt(origin: string): Promise<string> {
    let token = this.jwts.get(origin);
    if (!token) {
      if (this.jwts.size >= MAX_CACHED_ORIGINS) {
        const oldest = this.jwts.keys().next().value;
        if (oldest !== undefined) this.jwts.delete(oldest);
      }
      token = new AccessToken(
        async () => {
          const expiresAt = this.now() + JWT_LIFETIME_MS;
          return {
            token: vapidJwt(this.options.keys.privateKey, origin, this.options.subject, expiresAt),
            expiresAt,
          };
        },
        this.now,
        JWT_RENEW_MARGIN_MS,
      );
      this.jwts.set(origin, token);
    }
    return token.get();
  }

  /** The subscription, or what is wrong with it as a sentence. */
  private parse(token: string): Subscription | string {
    if (token.length > MAX_SUBSCRIPTION_CHARS)
      return `a Web Push subscription is at most ${MAX_SUBSCRIPTION_CHARS} characters`;
    let json: unknown;
    try {
      json = JSON.parse(token);
    } catch {
      return 'a Web Push token is the PushSubscription as JSON: {"endpoint", "keys": {"p256dh", "auth"}}';
    }
    const o = json as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
    if (typeof o !== "object" || o === null || typeof o.endpoint !== "string")
      return "the subscription has no endpoint";
    let endpoint: URL;
    try {
      endpoint = new URL(o.endpoint);
    } catch {
      return "the subscription's endpoint is not a URL";
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(endpoint.hostname);
    if (
      !(
        endpoint.protocol === "https:" ||
        (endpoint.protocol === "http:" && loopback && this.options.allowLoopbackHttp)
      )
    )
      return "the subscription's endpoint must be an https URL";
    if (endpoint.username || endpoint.password)
      return "the subscription's endpoint must not carry credentials";
    const p256dh = base64url(o.keys?.p256dh);
    if (p256dh?.length !== 65 || p256dh[0] !== 0x04 || !onCurve(p256dh))
      return "keys.p256dh must be an uncompressed P-256 public key (65 bytes, base64url)";
    const auth = base64url(o.keys?.auth);
    // RFC 8291 §3.2: the authentication secret is 16 octets.
    if (auth?.length !== 16) return "keys.auth must be 16 bytes, base64url";
    return { endpoint, p256dh, auth };
  }
}

/** Strict base64url (RFC 4648 §5), padding optional, as browsers write it. */
function base64url(v: unknown): Buffer | undefined {
  if (typeof v !== "string" || !/^[A-Za-z0-9_-]*={0,2}$/.test(v)) return undefined;
  return Buffer.from(v, "base64url");
}

function onCurve(point: Buffer): boolean {
  try {
    createPublicKey({
      format: "jwk",
      key: {
        kty: "EC",
        crv: "P-256",
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33).toString("base64url"),
      },
    });
    return true;
  } catch {
    return false;
  }
}

/** RFC 8030 §5.3: a clear can wait, a quiet badge update is ordinary, an alert should wake the device. */
function urgency(n: PushNotification): "low" | "normal" | "high" {
  if (n.kind === "clear") return "low";
  if (n.mention) return "high";
  return n.quiet ? "normal" : "high";
}

/**
 * RFC 8030 §5.4: a newer message with the same Topic replaces one the push service still
 * holds, so a burst in one conversation reaches an offline browser once. A Topic is at most
 * 32 base64url characters: the first 24 bytes of the conversation id's SHA-256, which also
 * keeps the id itself from the push service.
 */
function topic(conversationId: string): string {
  return createHash("sha256").update(conversationId).digest().subarray(0, 24).toString("base64url");
}

/**
 * The PushNotification as JSON, the whole payload the service worker reads. A preview too
 * long for a push message (RFC 8291 §4) is shortened, then the title; undefined when even
 * that does not fit.
 */
function payload(n: PushNotification): Buffer | undefined {
  const encode = (o: PushNotification) => Buffer.from(JSON.stringify(o));
  let out = encode(n);
  for (const field of ["body", "title"] as const) {
    if (out.length <= MAX_WEBPUSH_PLAINTEXT) return out;
    const chars = Array.from(n[field]);
    const fits = (k: number) => encode({ ...n, [field]: cut(chars, k) }).length <= MAX_WEBPUSH_PLAINTEXT;
    // The longest prefix that fits, by bisection over code points (JSON escapes make bytes per char vary).
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    n = { ...n, [field]: cut(chars, lo) };
    out = encode(n);
  }
  return out.length <= MAX_WEBPUSH_PLAINTEXT ? out : undefined;
}

function cut(chars: string[], keep: number): string {
  return keep >= chars.length ? chars.join("") : `${chars.slice(0, keep).join("")}…`;
}

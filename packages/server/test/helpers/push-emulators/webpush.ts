import { createECDH, createPublicKey, type ECDH, randomBytes, verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PushNotification } from "../../../src/core/push/provider.js";
import type { ProviderEmulator, ReceivedPush } from "../../contracts/push-provider.js";
import { decryptWebPush } from "./webpush-decrypt.js";

/** One push request the emulator accepted, as the service worker would see it. */
export interface DeliveredWebPush {
  token: string;
  notification: PushNotification;
  headers: { ttl: string; urgency: string | undefined; topic: string | undefined };
  /** The VAPID JWT it carried. */
  jwt: string;
}

export interface WebPushEmulator extends ProviderEmulator {
  readonly origin: string;
  readonly delivered: DeliveredWebPush[];
  /** What it refused, with why, for assertions and for failure messages. */
  readonly refused: { status: number; why: string }[];
  /**
   * A new subscription, as PushManager.subscribe() makes one: a fresh P-256 key pair and
   * 16-byte auth secret (RFC 8291 §2), bound to an application server key (default: the
   * emulator's). Returns PushSubscription.toJSON() as a string.
   */
  subscribe(applicationServerKey?: string): string;
  /** The next request answers this status (with `body`), whatever it carries. */
  answerNext(status: number, body?: string): void;
}

interface Sub {
  token: string;
  ua: ECDH;
  auth: Buffer;
  applicationServerKey: string;
  dead: boolean;
}

/** RFC 8030 §7.2: push services need take no more than 4096 bytes. */
const MAX_BODY = 4096;
/** RFC 8292 §2: a JWT may be valid for at most 24 hours. */
const MAX_JWT_LIFETIME_S = 24 * 3600;

/**
 * A push service (RFC 8030) on 127.0.0.1:0, with one push resource per subscription at
 * /push/<id>. It checks what a real one checks (VAPID per RFC 8292, the aes128gcm coding,
 * TTL) and decrypts each message with the subscription's private key, as the browser would.
 */
export async function startWebPushEmulator(applicationServerKey: string): Promise<WebPushEmulator> {
  const subs = new Map<string, Sub>();
  const received: ReceivedPush[] = [];
  const delivered: DeliveredWebPush[] = [];
  const refused: { status: number; why: string }[] = [];
  const next: { status: number; body: string; headers: Record<string, string> }[] = [];
  let authFailures = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => handle(req, res, Buffer.concat(chunks), size));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function refuse(res: ServerResponse, status: number, why: string, headers: Record<string, string> = {}) {
    refused.push({ status, why });
    res.writeHead(status, { "content-type": "text/plain", ...headers }).end(why);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, size: number) {
    const id = /^\/push\/([A-Za-z0-9_-]+)$/.exec(req.url ?? "")?.[1];
    const sub = id ? subs.get(id) : undefined;
    if (req.method !== "POST" || !sub) return refuse(res, 404, "no such push resource");
    const forced = next.shift();
    if (forced) return refuse(res, forced.status, forced.body, forced.headers);
    // RFC 8030 §7.3: an expired or unsubscribed subscription's resource is gone.
    if (sub.dead) return refuse(res, 410, "push subscription has unsubscribed or expired");
    const auth = checkVapid(req.headers.authorization, sub);
    if (auth.problem) {
      authFailures++;
      return refuse(res, auth.status, auth.problem);
    }
    // RFC 8030 §5.2: TTL is required.
    const ttl = req.headers.ttl;
    if (typeof ttl !== "string" || !/^\d+$/.test(ttl))
      return refuse(res, 400, "TTL header missing or not a number");
    if (req.headers["content-encoding"] !== "aes128gcm")
      return refuse(res, 400, "Content-Encoding must be aes128gcm (RFC 8291 §4)");
    const topic = typeof req.headers.topic === "string" ? req.headers.topic : undefined;
    if (topic !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(topic))
      return refuse(res, 400, "Topic must be at most 32 base64url characters (RFC 8030 §5.4)");
    const urgency = req.headers.urgency;
    if (urgency !== undefined && !["very-low", "low", "normal", "high"].includes(String(urgency)))
      return refuse(res, 400, "Urgency must be very-low, low, normal or high (RFC 8030 §5.3)");
    if (size > MAX_BODY) return refuse(res, 413, "payload too large");
    let n: PushNotification;
    try {
      n = JSON.parse(decryptWebPush(body, sub.ua, sub.auth).toString("utf8")) as PushNotification;
    } catch (err) {
      return refuse(res, 400, `cannot decrypt: ${err instanceof Error ? err.message : String(err)}`);
    }
    const shows = n.kind === "message" && !n.quiet;
    received.push({
      token: sub.token,
      title: shows ? n.title : "",
      body: shows ? n.body : "",
      collapseKey: topic ?? "",
      badge: n.badge,
      quiet: !shows,
      conversationId: n.conversationId,
    });
    delivered.push({
      token: sub.token,
      notification: n,
      headers: { ttl, urgency: urgency === undefined ? undefined : String(urgency), topic },
      jwt: auth.jwt,
    });
    res.writeHead(201, { location: `/message/${randomBytes(8).toString("hex")}` }).end();
  }

  /** RFC 8292 §3: `vapid t=<JWT>, k=<key>`; the JWT signed by k, for this origin, not expired, k the subscription's key. */
  function checkVapid(
    header: string | undefined,
    sub: Sub,
  ): { problem: string; status: number; jwt: string } | { problem?: undefined; jwt: string } {
    const fail = (status: number, problem: string) => ({ status, problem, jwt: "" });
    const m = /^vapid\s+(.*)$/i.exec(header ?? "");
    if (!m?.[1]) return fail(401, "Authorization is not vapid");
    const params = new Map<string, string>();
    for (const part of m[1].split(",")) {
      const [k, ...v] = part.trim().split("=");
      if (k && v.length > 0) params.set(k.toLowerCase(), v.join("="));
    }
    const t = params.get("t");
    const k = params.get("k");
    if (!t || !k) return fail(401, "vapid needs t and k");
    const [h, c, s] = t.split(".");
    if (!h || !c || !s) return fail(401, "t is not a JWT");
    let head: { alg?: unknown };
    let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
    try {
      head = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    } catch {
      return fail(401, "JWT parts are not JSON");
    }
    if (head.alg !== "ES256") return fail(401, "JWT alg must be ES256");
    const point = Buffer.from(k, "base64url");
    let signed = false;
    try {
      const key = createPublicKey({
        format: "jwk",
        key: {
          kty: "EC",
          crv: "P-256",
          x: point.subarray(1, 33).toString("base64url"),
          y: point.subarray(33, 65).toString("base64url"),
        },
      });
      signed =
        point.length === 65 &&
        verify(
          "sha256",
          Buffer.from(`${h}.${c}`),
          { key, dsaEncoding: "ieee-p1363" },
          Buffer.from(s, "base64url"),
        );
    } catch {
      signed = false;
    }
    if (!signed) return fail(401, "JWT signature does not verify with k");
    if (claims.aud !== origin) return fail(401, `JWT aud ${String(claims.aud)} is not ${origin}`);
    const now = Date.now() / 1000;
    if (typeof claims.exp !== "number" || claims.exp <= now) return fail(401, "JWT expired");
    if (claims.exp > now + MAX_JWT_LIFETIME_S) return fail(401, "JWT exp more than 24 hours ahead");
    if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub))
      return fail(401, "JWT sub must be a mailto: or https: contact");
    // The key the subscription was made with (PushManager's applicationServerKey) must sign every push to it.
    if (k !== sub.applicationServerKey) return fail(403, "k is not the key the subscription was made with");
    return { jwt: t };
  }

  function subscribe(key = applicationServerKey, dead = false): string {
    const id = randomBytes(12).toString("base64url");
    const ua = createECDH("prime256v1");
    ua.generateKeys();
    const auth = randomBytes(16);
    const token = JSON.stringify({
      endpoint: `${origin}/push/${id}`,
      expirationTime: null,
      keys: { p256dh: ua.getPublicKey().toString("base64url"), auth: auth.toString("base64url") },
    });
    subs.set(id, { token, ua, auth, applicationServerKey: key, dead });
    return token;
  }

  const validToken = subscribe();
  const deadToken = subscribe(applicationServerKey, true);
  return {
    origin,
    received,
    delivered,
    refused,
    validToken,
    deadToken,
    get authFailures() {
      return authFailures;
    },
    subscribe: (key?: string) => subscribe(key),
    answerNext(status, body = "") {
      next.push({ status, body, headers: {} });
    },
    rateLimitNext() {
      next.push({ status: 429, body: "too many requests", headers: { "retry-after": "7" } });
    },
    failNext() {
      next.push({ status: 503, body: "service unavailable", headers: {} });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/*
 * Apple Push Notification service, token-based (Apple: "Establishing a token-based connection
 * to APNs", "Sending notification requests to APNs", "Handling notification responses from
 * APNs"). One HTTP/2 session per endpoint, kept open and reused for every request, as Apple
 * asks; opened again after the server sends GOAWAY or the connection closes.
 */
import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { type ClientHttp2Session, connect, constants, type IncomingHttpHeaders } from "node:http2";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { AccessToken } from "./access-token.js";
import { fitText } from "./fit-text.js";
import { type HttpAnswer, outcomeOfStatus, unreachable } from "./http-call.js";
import { signJwt } from "./jwt.js";
import { PUSH_LIFETIME_S } from "./lifetime.js";

export const APNS_PRODUCTION = "https://api.push.apple.com";
export const APNS_SANDBOX = "https://api.sandbox.push.apple.com";

/** The largest payload APNs accepts for a regular notification ("Sending notification requests"). */
export const APNS_MAX_PAYLOAD_BYTES = 4096;
/** APNs answers with an empty body or a small JSON object; more than this is not APNs. */
const MAX_ANSWER_BYTES = 16 * 1024;
/** apns-collapse-id may not exceed 64 bytes. */
const MAX_COLLAPSE_ID_BYTES = 64;
/**
 * A provider token is valid for one hour; APNs refuses one refreshed more often than every 20
 * minutes (TooManyProviderTokenUpdates). Signed once and reused for 50 minutes.
 */
const PROVIDER_TOKEN_LIFETIME_MS = 50 * 60_000;
const PROVIDER_TOKEN_MIN_AGE_MS = 20 * 60_000;

export interface ApnsOptions {
  /** The .p8 signing key (EC P-256) from the Apple developer account. */
  key: KeyObject;
  /** The key's 10-character Key ID (the JWT kid). */
  keyId: string;
  /** The 10-character Team ID (the JWT iss). */
  teamId: string;
  /** The app's bundle id, for devices registered without one. */
  topic: string;
  /** https://api.push.apple.com or https://api.sandbox.push.apple.com. */
  endpoint: string;
  /** PEM of extra certificate authorities to trust (a test server). */
  ca?: string;
  timeoutMs: number;
  now?: () => number;
}

/** The .p8 file's text as a signing key, or a sentence saying why it is not one. */
export function readApnsKey(pem: string): KeyObject | string {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1")
      return "not an EC P-256 key (an APNs .p8 key)";
    return key;
  } catch (err) {
    return `not a PEM private key (${err instanceof Error ? err.message : String(err)})`;
  }
}

export class ApnsProvider implements PushProvider {
  readonly name = "apns";
  private session: ClientHttp2Session | undefined;
  private readonly providerToken: AccessToken;
  private readonly now: () => number;
  /** When the provider token in use was signed. */
  private signedAt = 0;
  /** Requests waiting for their answer: while there are any, the session keeps the process up. */
  private inFlight = 0;

  constructor(private readonly opts: ApnsOptions) {
    this.now = opts.now ?? Date.now;
    this.providerToken = new AccessToken(
      async () => {
        const issuedAt = this.now();
        this.signedAt = issuedAt;
        const token = signJwt(
          "ES256",
          opts.key,
          { iss: opts.teamId, iat: Math.floor(issuedAt / 1000) },
          { kid: opts.keyId },
        );
        return { token, expiresAt: issuedAt + PROVIDER_TOKEN_LIFETIME_MS };
      },
      this.now,
      0,
    );
  }

  /** Device tokens are hexadecimal; Apple says their length may change, so only the alphabet is checked. */
  checkToken(token: string): string | undefined {
    return /^(?:[0-9a-fA-F]{2}){16,200}$/.test(token) ? undefined : "an APNs device token is hexadecimal";
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    const first = await this.attempt(target, n);
    if (first.renew === undefined) return first.outcome;
    // ExpiredProviderToken: the push is sent again with a fresh token, once. Only the first
    // caller to see it renews it, so a burst of refusals signs one new token; and a token younger
    // than Apple's 20 minutes is not renewed (APNs would refuse the update): then the clock is off.
    if ((await this.providerToken.get()) === first.renew) {
      if (this.now() - this.signedAt < PROVIDER_TOKEN_MIN_AGE_MS)
        return {
          ok: false,
          reason: "rejected",
          detail: "ExpiredProviderToken for a token signed less than 20 minutes ago: is the clock right?",
        };
      this.providerToken.invalidate();
    }
    return (await this.attempt(target, n)).outcome;
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s && !s.closed) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async attempt(
    target: PushTarget,
    n: PushNotification,
  ): Promise<{ outcome: PushOutcome; renew?: string }> {
    let jwt: string;
    try {
      jwt = await this.providerToken.get();
    } catch (err) {
      return { outcome: { ok: false, reason: "rejected", detail: `provider token: ${String(err)}` } };
    }
    const background = n.quiet || n.kind === "clear";
    const headers = {
      [constants.HTTP2_HEADER_METHOD]: "POST",
      [constants.HTTP2_HEADER_PATH]: `/3/device/${encodeURIComponent(target.token)}`,
      authorization: `bearer ${jwt}`,
      "apns-topic": target.appId || this.opts.topic,
      "apns-push-type": background ? "background" : "alert",
      // Background pushes must be sent with priority 5; alerts immediately with 10.
      "apns-priority": background ? "5" : "10",
      "apns-expiration": String(Math.floor(this.now() / 1000) + PUSH_LIFETIME_S),
      "apns-collapse-id": collapseId(n.conversationId),
      "content-type": "application/json",
    };
    let answer: HttpAnswer;
    try {
      answer = await this.post(headers, apnsPayload(n));
    } catch (err) {
      return { outcome: unreachable(err) };
    }
    const reason = (answer.json as { reason?: unknown } | undefined)?.reason;
    const detail = typeof reason === "string" ? reason : `HTTP ${answer.status}`;
    if (answer.status === 200) return { outcome: { ok: true } };
    // "Handling notification responses from APNs": 410 is a token no longer active for the topic.
    if (answer.status === 410) return { outcome: { ok: false, reason: "dead_token", detail } };
    if (answer.status === 400 && (reason === "BadDeviceToken" || reason === "DeviceTokenNotForTopic"))
      return { outcome: { ok: false, reason: "dead_token", detail } };
    if (answer.status === 403 && reason === "ExpiredProviderToken")
      return { outcome: { ok: false, reason: "rejected", detail }, renew: jwt };
    return { outcome: outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail } };
  }

  /** The open session, or a new one when there is none or it is going away. */
  private connection(): ClientHttp2Session {
    const open = this.session;
    if (open && !open.closed && !open.destroyed) return open;
    const s = connect(this.opts.endpoint, this.opts.ca ? { ca: this.opts.ca } : {});
    const forget = () => {
      if (this.session === s) this.session = undefined;
    };
    // After GOAWAY the session takes no new streams; the next request opens another.
    s.on("goaway", forget);
    s.on("close", forget);
    s.on("error", forget);
    // An idle session must not keep the process alive (`post` holds it while it waits).
    if (this.inFlight === 0) s.unref();
    this.session = s;
    return s;
  }

  private post(headers: Record<string, string>, body: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const session = this.connection();
      const req = session.request(headers);
      if (this.inFlight++ === 0) session.ref();
      req.on("close", () => {
        if (--this.inFlight === 0) this.session?.unref();
      });
      req.setTimeout(this.opts.timeoutMs, () => {
        req.close(constants.NGHTTP2_CANCEL);
        reject(new Error(`APNs did not answer within ${this.opts.timeoutMs} ms`));
      });
      let status = 0;
      let got: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      req.on("response", (h) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
        got = h;
      });
      let size = 0;
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= MAX_ANSWER_BYTES) chunks.push(c);
        else {
          req.close(constants.NGHTTP2_CANCEL);
          reject(new Error(`APNs answered more than ${MAX_ANSWER_BYTES} bytes`));
        }
      });
      req.on("error", reject);
      // A stream reset or a session that went away before the answer ended: nothing will come.
      req.on("close", () => reject(new Error(`APNs stream closed (code ${req.rstCode})`)));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(got))
          if (!k.startsWith(":") && v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : String(v));
        resolve({ status, headers: h, text, json });
      });
      req.end(body);
    });
  }
}

/** The conversation id, or its digest when longer than apns-collapse-id allows. */
function collapseId(conversationId: string): string {
  if (Buffer.byteLength(conversationId) <= MAX_COLLAPSE_ID_BYTES) return conversationId;
  return createHash("sha256").update(conversationId).digest("base64url");
}

/**
 * The JSON payload ("Generating a remote notification"): an alert with the badge and the
 * conversation as thread-id, or for a quiet push or a clear a background notification that
 * holds only content-available (Apple: "Pushing background updates to your App"), the app then
 * setting its badge or withdrawing the conversation's notifications from `starling`. A text too
 * long for the 4 KB limit is shortened.
 */
export function apnsPayload(n: PushNotification): string {
  const background = n.quiet || n.kind === "clear";
  const make = (body: string) =>
    JSON.stringify({
      aps: background
        ? { "content-available": 1 }
        : {
            alert: { title: n.title, body },
            badge: n.badge,
            sound: "default",
            "thread-id": n.conversationId,
            // Lets the app's notification service extension enrich the alert before it shows.
            "mutable-content": 1,
          },
      starling: { ...n, body },
    });
  return make(fitText(n.body, (body) => Buffer.byteLength(make(body)), APNS_MAX_PAYLOAD_BYTES));
}

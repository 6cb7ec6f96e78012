/*
 * Huawei Push Kit, the v1 HTTPS API: "Sending Downlink Messages",
 * https://developer.huawei.com/consumer/en/doc/HMSCore-References/https-send-api-0000001050986197
 * (POST https://push-api.cloud.huawei.com/v1/<client id>/messages:send, Authorization: Bearer,
 * at most 4096 bytes of message besides the tokens), result codes as listed under "Result Codes"
 * there and at https://developer.huawei.com/consumer/en/doc/doccenter-references/api/push-scenariozed-api-response/
 * (80000000 success, 80100000 some tokens failed, 80200003 OAuth token expired, 80300007 all
 * tokens invalid, 80300008 message too large; HTTP 503 is flow control), and the access token
 * by client credentials (oauth-client.ts).
 *
 * A message is a notification message (android.notification: shown by the system, replaced by
 * the next one with the same tag, the app icon's badge set by badge.set_num) with the app's
 * payload in message.data; a quiet push is a data-only message, which shows nothing. Push Kit
 * v1 has no call that withdraws a shown notification, so a "clear" is not sent.
 */
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { AccessToken } from "./access-token.js";
import { sendWithToken, type TokenAttempt } from "./credentials.js";
import { type HttpAnswer, httpCall, outcomeOfStatus, retryAfterMs } from "./http-call.js";
import { clientCredentialsToken } from "./oauth-client.js";
import { clip, VENDOR_TIMEOUT_MS } from "./vendor-message.js";

export interface HuaweiOptions {
  /** The app's OAuth 2.0 client id (AppGallery Connect, project settings: the App ID). */
  appId: string;
  clientSecret: string;
  /** The token endpoint (https://oauth-login.cloud.huawei.com/oauth2/v3/token). */
  tokenUrl: string;
  /** The Push Kit API origin (https://push-api.cloud.huawei.com). */
  apiUrl: string;
  /** The app's launcher activity, full class name: needed for badge numbers; empty: no badge. */
  badgeClass: string;
  timeoutMs?: number;
  now?: () => number;
}

/** Push Kit refuses a message body above 4096 bytes (tokens not counted). */
const MAX_MESSAGE_BYTES = 4096;
/** Longest title and text sent; the rest of a long preview is cut (the app opens the chat for it). */
const MAX_TITLE = 100;
const MAX_BODY = 500;
/** Offline devices get the message within a day, or not at all (the next sync brings it anyway). */
const TTL = "86400s";

export class HuaweiProvider implements PushProvider {
  readonly name = "huawei";
  private readonly token: AccessToken;
  private readonly timeoutMs: number;

  constructor(private readonly o: HuaweiOptions) {
    this.timeoutMs = o.timeoutMs ?? VENDOR_TIMEOUT_MS;
    this.token = new AccessToken(
      () =>
        clientCredentialsToken({
          url: o.tokenUrl,
          clientId: o.appId,
          clientSecret: o.clientSecret,
          timeoutMs: this.timeoutMs,
          ...(o.now ? { now: o.now } : {}),
        }),
      o.now,
    );
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    if (n.kind === "clear") return { ok: true };
    const message = messageOf(target.token, n, this.o.badgeClass);
    const size = Buffer.byteLength(JSON.stringify({ ...message, token: [] }));
    if (size > MAX_MESSAGE_BYTES)
      return {
        ok: false,
        reason: "rejected",
        detail: `message of ${size} bytes, above ${MAX_MESSAGE_BYTES}`,
      };
    const url = `${this.o.apiUrl}/v1/${encodeURIComponent(this.o.appId)}/messages:send`;
    return sendWithToken(this.token, async (accessToken): Promise<TokenAttempt> => {
      const answer = await httpCall(url, {
        headers: { authorization: `Bearer ${accessToken}` },
        body: { validate_only: false, message },
        timeoutMs: this.timeoutMs,
      });
      const j = answer.json as { code?: unknown; msg?: unknown } | undefined;
      const code = typeof j?.code === "string" ? j.code : "";
      const detail = `HTTP ${answer.status} ${code} ${typeof j?.msg === "string" ? j.msg : ""}`.trim();
      return outcomeOfPushKitCode(code, "80000000", answer, detail, target.token);
    });
  }
}

function messageOf(token: string, n: PushNotification, badgeClass: string): Record<string, unknown> {
  const data = JSON.stringify(n);
  if (n.quiet) return { data, android: { urgency: "NORMAL", ttl: TTL }, token: [token] };
  return {
    data,
    android: {
      urgency: "HIGH",
      ttl: TTL,
      notification: {
        title: clip(n.title, MAX_TITLE),
        body: clip(n.body, MAX_BODY),
        // Same tag, same app: the new notification replaces the old one (AndroidNotification.tag).
        tag: n.conversationId,
        // 3: open the app's launcher activity.
        click_action: { type: 3 },
        ...(badgeClass ? { badge: { class: badgeClass, set_num: Math.min(n.badge, 99) } } : {}),
      },
    },
    token: [token],
  };
}

/**
 * A Push Kit result code (also Honor's, whose API follows Push Kit v1) as an outcome; the
 * success code is the provider's own.
 */
export function outcomeOfPushKitCode(
  code: string,
  success: string,
  answer: HttpAnswer,
  detail: string,
  token: string,
): TokenAttempt {
  if (code === success) return { ok: true };
  if (code === "80200003") return "token_expired";
  if (code === "80300007") return { ok: false, reason: "dead_token", detail };
  // With one token, "some tokens failed" is that token: the msg lists it among the illegal tokens.
  if (code === "80100000")
    return detail.includes(token) ? { ok: false, reason: "dead_token", detail } : { ok: true };
  // 503 is flow control here, not an outage.
  if (answer.status === 503) {
    const after = retryAfterMs(answer.headers);
    return {
      ok: false,
      reason: "rate_limited",
      ...(after !== undefined ? { retryAfterMs: after } : {}),
      detail,
    };
  }
  // 81000001: an internal error of the service.
  if (code === "81000001") return { ok: false, reason: "retryable", detail };
  return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
}

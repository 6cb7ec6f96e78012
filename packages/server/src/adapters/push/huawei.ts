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
import type { AccessToken } from "./access-token.js";
import { sendWithToken, type TokenAttempt } from "./credentials.js";
import { type HttpAnswer, httpCall, outcomeOfStatus } from "./http-call.js";
import { clientCredentialsAccess } from "./oauth-client.js";
import { clip, payloadOf, tokenShapeProblem, VENDOR_TIMEOUT_MS } from "./vendor-message.js";

/** The settings of a Push Kit style provider (Huawei's, Honor's). */
export interface PushKitOptions {
  /** The app's id in the send URL. */
  appId: string;
  clientSecret: string;
  /** The OAuth 2.0 token endpoint. */
  tokenUrl: string;
  /** The push API origin. */
  apiUrl: string;
  /** The app's launcher activity, full class name: needed for badge numbers; empty: no badge. */
  badgeClass: string;
  timeoutMs?: number;
  now?: () => number;
}

/** Huawei's appId is also the OAuth 2.0 client id (AppGallery Connect, project settings: the App ID). */
export type HuaweiOptions = PushKitOptions;

/**
 * Push Kit's limits, which Honor's API shares: a message body of at most 4096 bytes (tokens
 * not counted); the longest title and text sent (the rest of a long preview is cut: the app
 * opens the chat for it); offline devices get a message within a day, or not at all (the next
 * sync brings it anyway).
 */
export const PUSH_KIT = { maxMessageBytes: 4096, maxTitle: 100, maxBody: 500, ttl: "86400s" } as const;

/** The refusal of a message above Push Kit's size limit, or undefined. */
export function oversize(message: Record<string, unknown>): PushOutcome | undefined {
  const size = Buffer.byteLength(JSON.stringify({ ...message, token: [] }));
  return size > PUSH_KIT.maxMessageBytes
    ? { ok: false, reason: "rejected", detail: `message of ${size} bytes, above ${PUSH_KIT.maxMessageBytes}` }
    : undefined;
}

export class HuaweiProvider implements PushProvider {
  readonly name = "huawei";
  private readonly token: AccessToken;
  private readonly timeoutMs: number;

  constructor(private readonly o: HuaweiOptions) {
    this.timeoutMs = o.timeoutMs ?? VENDOR_TIMEOUT_MS;
    this.token = clientCredentialsAccess({
      url: o.tokenUrl,
      clientId: o.appId,
      clientSecret: o.clientSecret,
      timeoutMs: this.timeoutMs,
      ...(o.now ? { now: o.now } : {}),
    });
  }

  checkToken(token: string): string | undefined {
    return tokenShapeProblem(token);
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    if (n.kind === "clear") return { ok: true };
    const message = messageOf(target.token, n, this.o.badgeClass);
    const tooLarge = oversize(message);
    if (tooLarge) return tooLarge;
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
  const data = payloadOf(n, { title: PUSH_KIT.maxTitle, body: PUSH_KIT.maxBody });
  if (n.quiet) return { data, android: { urgency: "NORMAL", ttl: PUSH_KIT.ttl }, token: [token] };
  return {
    data,
    android: {
      // "IM": a private message, classified so it is not counted as marketing.
      category: "IM",
      ttl: PUSH_KIT.ttl,
      notification: {
        // NORMAL: a service and communication message (Push Kit's message classification).
        importance: "NORMAL",
        title: clip(n.title, PUSH_KIT.maxTitle),
        body: clip(n.body, PUSH_KIT.maxBody),
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
  // 81000001: an internal error of the service.
  if (code === "81000001") return { ok: false, reason: "retryable", detail };
  const byStatus = outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
  // 503 is flow control here, not an outage (with its Retry-After, when given).
  return answer.status === 503 && !byStatus.ok ? { ...byStatus, reason: "rate_limited" } : byStatus;
}

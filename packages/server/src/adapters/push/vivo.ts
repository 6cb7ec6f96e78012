/*
 * vivo Push, the server API "PUSH-UPS-API接口文档", https://dev.vivo.com.cn/documentCenter/doc/362:
 * POST https://api-push.vivo.com.cn/message/auth with JSON {appId, appKey, timestamp (ms),
 * sign = lower-case hex MD5(appId + appKey + timestamp + appSecret)}, answered with {result:0,
 * authToken} (valid one day); then POST /message/send with the header authToken and JSON
 * {appId, regId, notifyType, title, content, skipType, requestId, classification, category,
 * notifyId, clientCustomMap, timeToLive}; {result:0} is success. Codes read here: 10000 the
 * authToken is not valid (fetch a new one), 10070 the day's sending quota is used up, 10302
 * and 10303 the regId is unknown or no longer valid. Limits: title 40 and content 100 width
 * units (a Chinese character counts two), clientCustomMap at most 10 pairs and 1024 characters.
 * The code table itself was not reachable here; the codes follow the version of that
 * reference quoted at https://app.applebyme.cn/cloud/appshangjia/2017.html and vivo's
 * server SDK behaviour.
 *
 * vivo's current API has no pass-through message and no badge number: a quiet push is a
 * notification with notifyType 1 (no sound, no vibration); a clear is not sent. The same
 * notifyId replaces the conversation's previous notification.
 */
import { createHash } from "node:crypto";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { AccessToken, type IssuedToken } from "./access-token.js";
import { CredentialsRefused, sendWithToken, type TokenAttempt } from "./credentials.js";
import { httpCall, outcomeOfStatus } from "./http-call.js";
import { clipWidth, notifyIdOf, tokenShapeProblem, VENDOR_TIMEOUT_MS } from "./vendor-message.js";

export interface VivoOptions {
  appId: string;
  appKey: string;
  appSecret: string;
  /** The API origin (https://api-push.vivo.com.cn). */
  apiUrl: string;
  timeoutMs?: number;
  now?: () => number;
}

const MAX_TITLE = 40;
const MAX_CONTENT = 100;
const MAX_CUSTOM_CHARS = 1024;
/** An authToken is valid one day; vivo asks to renew it every 1-2 hours. */
const TOKEN_LIFETIME_MS = 2 * 3_600_000;
const TTL_S = 86_400;

export class VivoProvider implements PushProvider {
  readonly name = "vivo";
  private readonly token: AccessToken;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly o: VivoOptions) {
    this.timeoutMs = o.timeoutMs ?? VENDOR_TIMEOUT_MS;
    this.now = o.now ?? Date.now;
    this.token = new AccessToken(() => this.issue(), this.now);
  }

  checkToken(token: string): string | undefined {
    return tokenShapeProblem(token);
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    if (n.kind === "clear") return { ok: true };
    // The title and text are the notification's; the rest of the payload is the custom map.
    const { title: _t, body: _b, ...rest } = n;
    const clientCustomMap = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
    const customChars = Object.entries(clientCustomMap).reduce((s, [k, v]) => s + k.length + v.length, 0);
    if (customChars > MAX_CUSTOM_CHARS)
      return {
        ok: false,
        reason: "rejected",
        detail: `clientCustomMap above ${MAX_CUSTOM_CHARS} characters`,
      };
    const body = {
      appId: this.o.appId,
      regId: target.token,
      // 4: sound and vibration; 1: neither.
      notifyType: n.quiet ? 1 : 4,
      title: clipWidth(n.title, MAX_TITLE),
      content: clipWidth(n.body, MAX_CONTENT),
      // 1: open the app.
      skipType: 1,
      // The same request id for the same notification: a send repeated after a timeout is
      // recognised by vivo and not shown twice.
      requestId: requestIdOf(target, n),
      // 1: a system message (instant messages), in the "IM" category.
      classification: 1,
      category: "IM",
      notifyId: notifyIdOf(n.conversationId),
      timeToLive: TTL_S,
      clientCustomMap,
    };
    return sendWithToken(this.token, async (authToken): Promise<TokenAttempt> => {
      const answer = await httpCall(`${this.o.apiUrl}/message/send`, {
        headers: { authToken },
        body,
        timeoutMs: this.timeoutMs,
      });
      const j = answer.json as { result?: unknown; desc?: unknown } | undefined;
      const code = typeof j?.result === "number" ? j.result : undefined;
      const detail =
        `HTTP ${answer.status} ${code ?? ""} ${typeof j?.desc === "string" ? j.desc : ""}`.trim();
      if (answer.status === 200 && code === 0) return { ok: true };
      if (code === 10000) return "token_expired";
      if (code === 10302 || code === 10303) return { ok: false, reason: "dead_token", detail };
      if (code === 10070) return { ok: false, reason: "rate_limited", detail };
      return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
    });
  }

  private async issue(): Promise<IssuedToken> {
    const timestamp = this.now();
    const sign = createHash("md5")
      .update(`${this.o.appId}${this.o.appKey}${timestamp}${this.o.appSecret}`)
      .digest("hex");
    const answer = await httpCall(`${this.o.apiUrl}/message/auth`, {
      body: { appId: this.o.appId, appKey: this.o.appKey, timestamp, sign },
      timeoutMs: this.timeoutMs,
    });
    const j = answer.json as { result?: unknown; desc?: unknown; authToken?: unknown } | undefined;
    if (answer.status === 200 && j?.result === 0 && typeof j.authToken === "string" && j.authToken)
      return { token: j.authToken, expiresAt: this.now() + TOKEN_LIFETIME_MS };
    const detail = `auth: HTTP ${answer.status} ${String(j?.result ?? "")} ${String(j?.desc ?? "")}`.trim();
    if (answer.status === 200 && typeof j?.result === "number" && j.result !== 0)
      throw new CredentialsRefused(detail);
    throw new Error(detail);
  }
}

function requestIdOf(target: PushTarget, n: PushNotification): string {
  return createHash("sha256")
    .update(`${target.deviceId}\n${n.conversationId}\n${n.seq}\n${n.quiet}`)
    .digest("hex")
    .slice(0, 32);
}

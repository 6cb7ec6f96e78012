/*
 * OPPO Push (HeyTap), the server API: https://open.oppomobile.com/new/developmentDoc/info?id=11236
 * (the notification fields), id=11238 (single push: POST /server/v1/message/notification/unicast,
 * form message={target_type:2, target_value:<registration id>, notification:{...}} and the
 * public parameter auth_token) and "调用地址，公共参数和返回码" (https://api.push.oppomobile.com,
 * auth_token valid 24 hours). The token: POST /server/v1/auth, form app_key, timestamp (ms) and
 * sign = hex(SHA-256(app_key + timestamp + master_secret)), answered with {code:0,
 * data:{auth_token, create_time}}. Codes: 0 success, -1 service unavailable, -2 flow control,
 * -3 individual flow limit, 11 invalid auth token, 14 invalid app key, 16 invalid signature,
 * 33 daily quota exceeded, 10000 invalid registration id.
 *
 * OPPO has no pass-through message on its server API and no badge number: a quiet push is a
 * notification at notify_level 1 (the notification shade only: no banner, no sound, no
 * lock screen), a clear is not sent. The same notify_id replaces the conversation's previous
 * notification; the app's payload is in action_parameters, which the app gets when tapped.
 */
import { createHash } from "node:crypto";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { AccessToken, type IssuedToken } from "./access-token.js";
import { CredentialsRefused, sendWithToken, type TokenAttempt } from "./credentials.js";
import { httpCall, outcomeOfStatus } from "./http-call.js";
import { clip, notifyIdOf, payloadOf, tokenShapeProblem, VENDOR_TIMEOUT_MS } from "./vendor-message.js";

export interface OppoOptions {
  appKey: string;
  masterSecret: string;
  /** The API origin (https://api.push.oppomobile.com; https://api-intl.push.oppomobile.com abroad). */
  apiUrl: string;
  /** The notification channel the app created for messages (channel_id); empty: the default one. */
  channelId: string;
  timeoutMs?: number;
  now?: () => number;
}

/** Title and text limits of the standard style, in characters. */
const MAX_TITLE = 50;
const MAX_CONTENT = 50;
/** action_parameters may be at most 4000 characters. */
const MAX_PARAMETERS = 4000;
/** An auth_token is valid 24 hours. */
const TOKEN_LIFETIME_MS = 86_400_000;
const OFFLINE_TTL_S = 86_400;

export class OppoProvider implements PushProvider {
  readonly name = "oppo";
  private readonly token: AccessToken;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly o: OppoOptions) {
    this.timeoutMs = o.timeoutMs ?? VENDOR_TIMEOUT_MS;
    this.now = o.now ?? Date.now;
    this.token = new AccessToken(() => this.issue(), this.now);
  }

  checkToken(token: string): string | undefined {
    return tokenShapeProblem(token);
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    if (n.kind === "clear") return { ok: true };
    const parameters = payloadOf(n, { title: MAX_TITLE, body: MAX_CONTENT });
    if (parameters.length > MAX_PARAMETERS)
      return {
        ok: false,
        reason: "rejected",
        detail: `action_parameters above ${MAX_PARAMETERS} characters`,
      };
    const message = JSON.stringify({
      target_type: 2,
      target_value: target.token,
      notification: {
        title: clip(n.title, MAX_TITLE),
        content: clip(n.body, MAX_CONTENT),
        // 0: open the app.
        click_action_type: 0,
        action_parameters: parameters,
        notify_id: notifyIdOf(n.conversationId),
        off_line: true,
        off_line_ttl: OFFLINE_TTL_S,
        // Instant messages; level 16 alerts (banner, sound, lock screen), level 1 is the shade only.
        category: "IM",
        notify_level: n.quiet ? 1 : 16,
        ...(this.o.channelId ? { channel_id: this.o.channelId } : {}),
      },
    });
    return sendWithToken(this.token, async (authToken): Promise<TokenAttempt> => {
      const answer = await httpCall(`${this.o.apiUrl}/server/v1/message/notification/unicast`, {
        headers: { auth_token: authToken },
        body: new URLSearchParams({ message, auth_token: authToken }),
        timeoutMs: this.timeoutMs,
      });
      const j = answer.json as { code?: unknown; message?: unknown } | undefined;
      const code = typeof j?.code === "number" ? j.code : undefined;
      const detail =
        `HTTP ${answer.status} ${code ?? ""} ${typeof j?.message === "string" ? j.message : ""}`.trim();
      if (answer.status === 200 && code === 0) return { ok: true };
      if (code === 11) return "token_expired";
      if (code === 10000) return { ok: false, reason: "dead_token", detail };
      if (code === -2 || code === -3 || code === 33) return { ok: false, reason: "rate_limited", detail };
      if (code === -1) return { ok: false, reason: "retryable", detail };
      return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
    });
  }

  private async issue(): Promise<IssuedToken> {
    const timestamp = String(this.now());
    const sign = createHash("sha256")
      .update(this.o.appKey + timestamp + this.o.masterSecret)
      .digest("hex");
    const answer = await httpCall(`${this.o.apiUrl}/server/v1/auth`, {
      body: new URLSearchParams({ app_key: this.o.appKey, sign, timestamp }),
      timeoutMs: this.timeoutMs,
    });
    const j = answer.json as
      | { code?: unknown; message?: unknown; data?: { auth_token?: unknown } }
      | undefined;
    const token = j?.data?.auth_token;
    if (answer.status === 200 && j?.code === 0 && typeof token === "string" && token)
      return { token, expiresAt: this.now() + TOKEN_LIFETIME_MS };
    const detail = `auth: HTTP ${answer.status} ${String(j?.code ?? "")} ${String(j?.message ?? "")}`.trim();
    // 14 invalid app key, 15 missing app key, 16 invalid signature, 19 invalid timestamp, 29 app disabled.
    if (typeof j?.code === "number" && j.code > 0) throw new CredentialsRefused(detail);
    throw new Error(detail);
  }
}

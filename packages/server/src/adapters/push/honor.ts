/*
 * Honor Push, the server API of its guide "发送下行消息" (republished at
 * https://my.oschina.net/u/5873522/blog/10140231): an access token by client credentials from
 * https://iam.developer.honor.com/auth/realms/developer/protocol/openid-connect/token
 * (oauth-client.ts), then POST https://push-api.cloud.honor.com/api/v1/<app id>/sendMessage
 * with Authorization: Bearer and a timestamp header (ms), the body {data?, android:
 * {ttl, notification:{title, body, clickAction:{type}, badge:{badgeClass, setNum}, notifyId}},
 * token:[...]}; a data-only body is a pass-through message that shows nothing (a quiet push).
 * Its result codes follow Huawei Push Kit v1 (Honor's API was derived from it) with 200 for
 * success; the table of them was not reachable here, so they are read as Push Kit's
 * (huawei.ts). No call withdraws a shown notification, so a "clear" is not sent.
 */
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import type { AccessToken } from "./access-token.js";
import { sendWithToken, type TokenAttempt } from "./credentials.js";
import { httpCall } from "./http-call.js";
import { outcomeOfPushKitCode, oversize, PUSH_KIT, type PushKitOptions } from "./huawei.js";
import { clientCredentialsAccess } from "./oauth-client.js";
import { clip, notifyIdOf, payloadOf, tokenShapeProblem, VENDOR_TIMEOUT_MS } from "./vendor-message.js";

export interface HonorOptions extends PushKitOptions {
  /** The app's Client ID, with clientSecret for the access token (appId is only in the send URL). */
  clientId: string;
}

export class HonorProvider implements PushProvider {
  readonly name = "honor";
  private readonly token: AccessToken;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly o: HonorOptions) {
    this.timeoutMs = o.timeoutMs ?? VENDOR_TIMEOUT_MS;
    this.now = o.now ?? Date.now;
    this.token = clientCredentialsAccess({
      url: o.tokenUrl,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      timeoutMs: this.timeoutMs,
      now: this.now,
    });
  }

  checkToken(token: string): string | undefined {
    return tokenShapeProblem(token);
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    if (n.kind === "clear") return { ok: true };
    const body = bodyOf(target.token, n, this.o.badgeClass);
    const tooLarge = oversize(body);
    if (tooLarge) return tooLarge;
    const url = `${this.o.apiUrl}/api/v1/${encodeURIComponent(this.o.appId)}/sendMessage`;
    return sendWithToken(this.token, async (accessToken): Promise<TokenAttempt> => {
      const answer = await httpCall(url, {
        headers: { authorization: `Bearer ${accessToken}`, timestamp: String(this.now()) },
        body,
        timeoutMs: this.timeoutMs,
      });
      const j = answer.json as { code?: unknown; message?: unknown } | undefined;
      const code = j?.code === undefined ? "" : String(j.code);
      const detail =
        `HTTP ${answer.status} ${code} ${typeof j?.message === "string" ? j.message : ""}`.trim();
      return outcomeOfPushKitCode(code, "200", answer, detail, target.token);
    });
  }
}

function bodyOf(token: string, n: PushNotification, badgeClass: string): Record<string, unknown> {
  const data = payloadOf(n, { title: PUSH_KIT.maxTitle, body: PUSH_KIT.maxBody });
  if (n.quiet) return { data, android: { ttl: PUSH_KIT.ttl }, token: [token] };
  return {
    data,
    android: {
      ttl: PUSH_KIT.ttl,
      notification: {
        // NORMAL: a service and communication message, not marketing (Honor's message classification).
        importance: "NORMAL",
        title: clip(n.title, PUSH_KIT.maxTitle),
        body: clip(n.body, PUSH_KIT.maxBody),
        // 3: open the app's launcher activity.
        clickAction: { type: 3 },
        // The same id replaces the conversation's previous notification.
        notifyId: notifyIdOf(n.conversationId),
        ...(badgeClass ? { badge: { badgeClass, setNum: Math.min(n.badge, 99) } } : {}),
      },
    },
    token: [token],
  };
}

/*
 * Xiaomi Push (MiPush), the server API "v3/message/regid": POST
 * https://api.xmpush.xiaomi.com/v3/message/regid with Authorization: key=<AppSecret>, a form
 * of registration_id, restricted_package_name, title, description, payload, pass_through,
 * notify_type, notify_id and extra.* (the server API reference, https://dev.mi.com/distribute/doc/details?pId=1559),
 * answered with {result:"ok"|"error", code, reason}; the codes as listed in "服务端错误码参考",
 * https://dev.mi.com/xiaomihyperos/documentation/detail?pId=1560 (0 success, 10001/10002
 * system error or busy, 10027 calls too frequent, 10034 too many messages today, 20301
 * sending failed: what an unknown or expired regid is answered with, "No valid targets",
 * 21301 authentication failed).
 *
 * A notification carries no badge number (MIUI counts the app's notifications itself). A
 * message replaces the conversation's previous one (the same notify_id); a quiet push and a
 * clear are pass-through messages (pass_through=1), shown by nothing but the app, which for
 * a clear withdraws the conversation's notification itself (MiPushClient.clearNotification
 * with the notify_id it finds in the payload).
 */
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { httpCall, outcomeOfStatus, unreachable } from "./http-call.js";
import { clip, notifyIdOf, payloadOf, tokenShapeProblem, VENDOR_TIMEOUT_MS } from "./vendor-message.js";

export interface XiaomiOptions {
  appSecret: string;
  /** The API origin (https://api.xmpush.xiaomi.com). */
  apiUrl: string;
  /** The notification channel registered for private messages (extra.channel_id); empty: none. */
  channelId: string;
  timeoutMs?: number;
}

/** Longest title and description sent (the rest of a preview is cut). */
const MAX_TITLE = 50;
const MAX_DESCRIPTION = 128;
/** The payload may be at most 4 KB. */
const MAX_PAYLOAD_BYTES = 4096;
/** Offline devices get the message within a day (time_to_live, ms). */
const TTL_MS = 86_400_000;

export class XiaomiProvider implements PushProvider {
  readonly name = "xiaomi";
  private readonly timeoutMs: number;

  constructor(private readonly o: XiaomiOptions) {
    this.timeoutMs = o.timeoutMs ?? VENDOR_TIMEOUT_MS;
  }

  checkToken(token: string): string | undefined {
    return tokenShapeProblem(token);
  }

  async send(target: PushTarget, n: PushNotification): Promise<PushOutcome> {
    const notifyId = notifyIdOf(n.conversationId);
    const payload = payloadOf(n, { title: MAX_TITLE, body: MAX_DESCRIPTION }, { notifyId });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES)
      return { ok: false, reason: "rejected", detail: `payload above ${MAX_PAYLOAD_BYTES} bytes` };
    const passThrough = n.kind === "clear" || n.quiet;
    const form = new URLSearchParams({
      registration_id: target.token,
      restricted_package_name: target.appId,
      payload,
      pass_through: passThrough ? "1" : "0",
      notify_id: String(notifyId),
      time_to_live: String(TTL_MS),
    });
    if (!passThrough) {
      form.set("title", clip(n.title, MAX_TITLE));
      form.set("description", clip(n.body, MAX_DESCRIPTION));
      // -1: the default sound, vibration and light.
      form.set("notify_type", "-1");
      if (this.o.channelId) form.set("extra.channel_id", this.o.channelId);
    }
    let answer: Awaited<ReturnType<typeof httpCall>>;
    try {
      answer = await httpCall(`${this.o.apiUrl}/v3/message/regid`, {
        headers: { authorization: `key=${this.o.appSecret}` },
        body: form,
        timeoutMs: this.timeoutMs,
      });
    } catch (err) {
      return unreachable(err);
    }
    const j = answer.json as { result?: unknown; code?: unknown; reason?: unknown } | undefined;
    const code = typeof j?.code === "number" ? j.code : undefined;
    const detail =
      `HTTP ${answer.status} ${code ?? ""} ${typeof j?.reason === "string" ? j.reason : ""}`.trim();
    if (answer.status === 200 && j?.result === "ok" && code === 0) return { ok: true };
    if (code === 20301) return { ok: false, reason: "dead_token", detail };
    if (code === 10027 || code === 10034) return { ok: false, reason: "rate_limited", detail };
    if (code === 1 || code === 10001 || code === 10002 || code === 10003)
      return { ok: false, reason: "retryable", detail };
    return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
  }
}

/*
 * A company's own push relay: every notification is POSTed as JSON to one URL, signed so the
 * relay can tell it came from this server and is fresh. The contract for relay writers is in
 * docs/operations.md ("Push providers").
 */
import { createHmac } from "node:crypto";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "../../core/push/provider.js";
import { type HttpAnswer, httpCall, outcomeOfStatus, unreachable } from "./http-call.js";

export interface WebhookOptions {
  url: string;
  /** The shared secret of the HMAC. */
  secret: string;
  timeoutMs: number;
  now?: () => number;
}

/**
 * x-starling-signature: hex HMAC-SHA256 (RFC 2104) of `${timestamp}.${body}`, timestamp being
 * x-starling-timestamp (seconds since the epoch), so a captured request cannot be replayed
 * later with another timestamp.
 */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export class WebhookProvider implements PushProvider {
  readonly name = "webhook";
  private readonly now: () => number;

  constructor(private readonly opts: WebhookOptions) {
    this.now = opts.now ?? Date.now;
  }

  async send(target: PushTarget, notification: PushNotification): Promise<PushOutcome> {
    const body = JSON.stringify({
      device: {
        id: target.deviceId,
        token: target.token,
        platform: target.platform,
        appId: target.appId,
        locale: target.locale,
      },
      notification,
    });
    const timestamp = String(Math.floor(this.now() / 1000));
    let answer: HttpAnswer;
    try {
      answer = await httpCall(this.opts.url, {
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-starling-timestamp": timestamp,
          "x-starling-signature": webhookSignature(this.opts.secret, timestamp, body),
        },
        body,
        timeoutMs: this.opts.timeoutMs,
      });
    } catch (err) {
      return unreachable(err);
    }
    const status = answer.status;
    if (status >= 200 && status < 300) return { ok: true };
    const detail = `HTTP ${status}${answer.text ? `: ${answer.text.slice(0, 200)}` : ""}`;
    // 410 Gone: the relay says the device's token is dead (its own provider said so).
    if (status === 410) return { ok: false, reason: "dead_token", detail };
    return outcomeOfStatus(answer, detail) ?? { ok: false, reason: "rejected", detail };
  }
}

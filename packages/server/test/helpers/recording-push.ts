import type {
  PushNotification,
  PushOutcome,
  PushProvider,
  PushTarget,
} from "../../src/core/push/provider.js";

/** One request the provider was given, with what it answered. */
export interface RecordedPush {
  target: PushTarget;
  notification: PushNotification;
  outcome: PushOutcome;
}

/**
 * A push provider that keeps what it is asked to send and answers at once:
 * ok, or what a test scripted for a token (a dead token, a retryable failure).
 */
export class RecordingPushProvider implements PushProvider {
  readonly sent: RecordedPush[] = [];
  private readonly scripted = new Map<string, PushOutcome[]>();

  constructor(readonly name = "recording") {}

  /** The next answers for `token`, in order; after them, ok. */
  answer(token: string, ...outcomes: PushOutcome[]): void {
    this.scripted.set(token, [...(this.scripted.get(token) ?? []), ...outcomes]);
  }

  async send(target: PushTarget, notification: PushNotification): Promise<PushOutcome> {
    const outcome = this.scripted.get(target.token)?.shift() ?? { ok: true };
    this.sent.push({ target, notification, outcome });
    return outcome;
  }

  /** What reached the device with this token, in order. */
  to(token: string): PushNotification[] {
    return this.sent.filter((s) => s.target.token === token).map((s) => s.notification);
  }
}

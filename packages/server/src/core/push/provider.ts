/*
 * The PushProvider port: one channel that carries notifications to devices
 * (APNs, FCM, the Chinese vendors' channels, Web Push, XEP-0357 app servers,
 * a company's own relay). The core decides who gets what and when
 * (core/push/); an adapter only turns one notification for one device into
 * its provider's request and its answer into a PushOutcome.
 */

/** The device as the provider addresses it (a registered PushDeviceRecord, reduced). */
export interface PushTarget {
  /** The registration's id, for logs and metrics. */
  deviceId: string;
  userId: string;
  /** The provider's address of the device; for "webpush" the PushSubscription as JSON. */
  token: string;
  /** Bundle id, package name, or (webpush) the web app's origin. */
  appId: string;
  platform: string;
  locale: string;
}

/**
 * One notification for one device. `kind` "message" alerts (unless `quiet`);
 * "clear" withdraws what was shown for the conversation, because the user
 * read it on another device, where the platform allows it.
 */
export interface PushNotification {
  kind: "message" | "clear";
  /**
   * The conversation: also the collapse key (apns-collapse-id, FCM
   * collapse_key, a Web Push Topic, a notification tag), so a burst replaces
   * one notification instead of stacking many.
   */
  conversationId: string;
  /** The newest seq it stands for. */
  seq: number;
  /** How many messages it stands for (a collapsed burst: more than 1). */
  count: number;
  /** No sound, no banner: only the badge changes (the user is active elsewhere). */
  quiet: boolean;
  /** The user is mentioned in it (or in one of the burst). */
  mention: boolean;
  /** Already localised: the sender's display name (or the group's), never an id. */
  title: string;
  /** Already localised: the text preview when the domain allows previews, else "new message". */
  body: string;
  /** The user's unread total, for the app icon. */
  badge: number;
  /** The sender's user id, for clients that open the chat from the notification. */
  senderId: string;
  /** When the server stored the newest message (ms since the epoch). */
  sentAt: number;
}

/** How a delivery went, as the provider answered. */
export type PushOutcome =
  | { ok: true }
  | {
      ok: false;
      /**
       * dead_token: the provider says the token will never work again (uninstalled, expired,
       * unregistered): the registration is removed.
       * rate_limited / retryable: try again later (after `retryAfterMs` when the provider says).
       * rejected: the request itself was refused (bad payload, bad credentials): not retried.
       */
      reason: "dead_token" | "rate_limited" | "retryable" | "rejected";
      retryAfterMs?: number;
      /** The provider's own code or message, for the log line. */
      detail?: string;
    };

export interface PushProvider {
  /** The RegisterPushDevice.provider name it serves: "apns", "fcm", "webpush"... */
  readonly name: string;
  /**
   * Delivers one notification. Never throws for what the provider answers;
   * a network failure or timeout is `retryable`.
   */
  send(target: PushTarget, notification: PushNotification): Promise<PushOutcome>;
  /**
   * Whether a token is acceptable at registration (shape only, no network):
   * a problem is returned as a sentence for the INVALID_ARGUMENT error.
   */
  checkToken?(token: string): string | undefined;
  close?(): Promise<void>;
}

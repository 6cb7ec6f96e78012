import type { PushDevice } from "@starling/protocol";

export type { PushDevice };

/**
 * A device to register for push notifications. `provider` is one of Welcome.pushProviders;
 * for "webpush", `token` is the browser's PushSubscription as JSON (subscribed with
 * Welcome.webpushPublicKey as the applicationServerKey) and `appId` the web app's origin.
 */
export interface PushDeviceInput {
  provider: string;
  platform: "web" | "ios" | "android" | "other";
  /** The bundle id or package name the token belongs to. */
  appId?: string;
  token: string;
  /** The language of the notifications ("zh-CN", "en"); default: the server's. */
  locale?: string;
}

/** Which registration to remove: by the id the server gave it, or by its token. */
export type PushDeviceRef = { id: string } | { token: string };

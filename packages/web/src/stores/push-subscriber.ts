/**
 * The browser's part of Web Push (Push API and Notifications API), handed
 * in by the environment: the permission, and this origin's push
 * subscription as JSON ({"endpoint","keys":{"p256dh","auth"}}).
 */
export interface PushSubscriber {
  /** The web app's origin: the device's app id. */
  readonly appId: string;
  /** The language the interface is in ("zh-CN", "en"): the notifications' language. */
  locale(): string;
  permission(): "default" | "granted" | "denied";
  /** Asks the user; only from a user's gesture (a click), never on load. */
  requestPermission(): Promise<"default" | "granted" | "denied">;
  /** Subscribes (or reuses the subscription made with this key) with userVisibleOnly; the subscription as JSON. */
  subscribe(applicationServerKey: string): Promise<string>;
  /** Ends this origin's subscription, if there is one. */
  unsubscribe(): Promise<void>;
}

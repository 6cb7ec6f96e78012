import type { StarlingClient } from "@starling/sdk";
import type { KeyValueStorage } from "./environment.js";
import type { PushSubscriber } from "./push-subscriber.js";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** Where a user's choice to stop notifications while the app is closed is kept, on this device. */
const OFF_PREFIX = "starling.webpush.off.";

/**
 * "unavailable": this browser or this server cannot (no push service, no
 * Web Push key in the Welcome); "off": not subscribed; "enabling": asking
 * and subscribing; "on": the subscription is registered with the server;
 * "failed": it could not be turned on, `error` says why; "blocked": the
 * user refused notifications in the browser.
 */
export type WebPushState = "unavailable" | "off" | "enabling" | "on" | "failed" | "blocked";

/**
 * Notifications while the app is closed: this browser's push subscription,
 * registered with the server as a "webpush" device of the signed-in user.
 * Turned on from a click (the settings page, the notification prompt);
 * renewed quietly on each login where notifications are already allowed,
 * unless the user stopped it on this device; unregistered, then
 * unsubscribed, on sign-out.
 */
export class WebPush extends Store {
  state: WebPushState = "unavailable";
  error = "";
  /** The subscription registered for this login, to unregister by. */
  private token = "";

  constructor(
    private readonly session: Session,
    private readonly storage: KeyValueStorage,
    private readonly subscriber: PushSubscriber | undefined,
  ) {
    super();
  }

  /** Logged in: what this browser and the server allow, and the subscription renewed where it was allowed. */
  async connected(): Promise<void> {
    this.token = "";
    if (!this.possible()) return this.set("unavailable");
    const permission = this.subscriber?.permission();
    if (permission === "denied") return this.set("blocked");
    if (permission !== "granted" || this.storage.getItem(OFF_PREFIX + this.session.userId))
      return this.set("off");
    await this.turnOn();
  }

  /** From a click: asks for the permission if need be, subscribes and registers. */
  async enable(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || !this.possible()) return;
    this.storage.removeItem(OFF_PREFIX + this.session.userId);
    this.set("enabling");
    const permission =
      subscriber.permission() === "granted" ? "granted" : await subscriber.requestPermission();
    if (permission !== "granted") return this.set(permission === "denied" ? "blocked" : "off");
    await this.turnOn();
  }

  /** Stops notifications while closed on this device (remembered for this user). */
  async disable(): Promise<void> {
    this.storage.setItem(OFF_PREFIX + this.session.userId, "1");
    await this.unsubscribe();
    this.set("off");
  }

  /** Signing out: the device is unregistered while the login still works, then the subscription ends. */
  async signingOut(client: StarlingClient): Promise<void> {
    if (this.token) await this.unsubscribe(client);
  }

  /**
   * Signed out, perhaps without reaching the server (offline, or ended
   * elsewhere): the browser's subscription ends too, so that the push
   * service refuses the server's next push for it and the server drops the
   * device as a dead token; nobody else's notifications reach this browser.
   */
  reset(): void {
    this.token = "";
    this.error = "";
    this.set("unavailable");
    void this.subscriber?.unsubscribe().catch(() => {});
  }

  private possible(): boolean {
    return !!this.subscriber && this.session.webPushKey !== "" && !!this.session.client;
  }

  private async turnOn(): Promise<void> {
    const client = this.session.client;
    if (!this.subscriber || !client) return this.set("unavailable");
    this.set("enabling");
    try {
      const token = await this.subscriber.subscribe(this.session.webPushKey);
      await client.registerPushDevice({
        provider: "webpush",
        platform: "web",
        appId: this.subscriber.appId,
        token,
        locale: this.subscriber.locale(),
      });
      if (!this.session.owns(client)) return;
      this.token = token;
      this.error = "";
      this.set("on");
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.set("failed");
    }
  }

  private async unsubscribe(client = this.session.client): Promise<void> {
    const token = this.token;
    this.token = "";
    if (token && client) await client.unregisterPushDevice({ token }).catch(() => {});
    await this.subscriber?.unsubscribe().catch(() => {});
  }

  private set(state: WebPushState): void {
    this.state = state;
    this.changed();
  }
}

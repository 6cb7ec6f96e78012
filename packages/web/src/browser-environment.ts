import { webSocketTransportFactory } from "@starling/sdk";
import { Chime } from "./chime.js";
import { IndexedDbOfflineStore } from "./indexeddb-offline-store.js";
import type { Environment, Notice } from "./stores/environment.js";
import { browserPushSubscriber } from "./web-push-subscriber.js";

/** A desktop notification, when the tab is hidden and the user has allowed them. */
function notify(notice: Notice): void {
  if (document.visibilityState === "visible") return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const n = new Notification(notice.title, { body: notice.body, tag: notice.conversationId });
  n.onclick = () => window.focus();
}

/** The browser and system from the user agent, for the user's list of sessions; rough on purpose. */
function clientName(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /Firefox\//.test(ua)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "";
  const system = /Windows/.test(ua)
    ? "Windows"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Mac OS X/.test(ua)
        ? "macOS"
        : /Android/.test(ua)
          ? "Android"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  const where = [browser, system].filter(Boolean).join(" / ");
  return where ? `Starling Web · ${where}` : "Starling Web";
}

/** Whether the user is looking at this page (visible and focused). */
const looking = () => document.visibilityState === "visible" && document.hasFocus();

/** The browser the page runs in: its storage, the server that served it, its WebSocket. */
export function browserEnvironment(): Environment {
  const chime = new Chime();
  const push = browserPushSubscriber();
  return {
    storage: localStorage,
    endpoint: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`,
    apiBase: "",
    transport: webSocketTransportFactory,
    randomId: () => crypto.randomUUID(),
    notify,
    clientName: clientName(),
    // A sound for someone not looking at the page, the same moments a desktop notice is for.
    chime: () => {
      if (!looking()) chime.play();
    },
    ...(typeof indexedDB === "undefined" ? {} : { offline: new IndexedDbOfflineStore() }),
    ...(push ? { push } : {}),
    watchNetwork: (listener) => {
      const visible = () => {
        if (document.visibilityState === "visible") listener();
      };
      addEventListener("online", listener);
      document.addEventListener("visibilitychange", visible);
      return () => {
        removeEventListener("online", listener);
        document.removeEventListener("visibilitychange", visible);
      };
    },
  };
}

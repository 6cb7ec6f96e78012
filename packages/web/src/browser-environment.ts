import { webSocketTransportFactory } from "@starling/sdk";
import type { Environment, Notice } from "./stores/environment.js";

/** A desktop notification, when the tab is hidden and the user has allowed them. */
function notify(notice: Notice): void {
  if (document.visibilityState === "visible") return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const n = new Notification(notice.title, { body: notice.body, tag: notice.conversationId });
  n.onclick = () => window.focus();
}

/** The browser the page runs in: its storage, the server that served it, its WebSocket. */
export function browserEnvironment(): Environment {
  return {
    storage: localStorage,
    endpoint: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`,
    apiBase: "",
    transport: webSocketTransportFactory,
    randomId: () => crypto.randomUUID(),
    notify,
  };
}

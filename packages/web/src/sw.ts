/**
 * The service worker, built on its own into dist/sw.js and registered at
 * the root scope (`register-sw.ts`): the app shell cached so the app opens
 * offline, Web Push shown as notifications, and a click on one opening its
 * chat. It is not part of the page's bundle.
 */
import { setAppBadge } from "./app-badge.js";
import { chatLink, OPEN_CHAT, type OpenChatMessage } from "./chat-link.js";
import { clickTarget, type PushPayload, parsePush, shouldShow } from "./sw/push-payload.js";
import { ShellCache } from "./sw/shell-cache.js";
import type { WorkerScope } from "./sw/worker-scope.js";

/** Set by the build: changes with every build of the page, so a new build replaces the cached shell. */
declare const __SHELL_VERSION__: string;
/** Set by the build: the paths of its assets (/assets/...). */
declare const __SHELL_FILES__: string[];

const scope = globalThis as unknown as WorkerScope;
const shell = new ShellCache(scope.caches, __SHELL_VERSION__, __SHELL_FILES__);

// A new build's worker waits until no window runs the old build's page (no skipWaiting): an
// old page may still load its lazy chunks, which only the old build's cache holds. The first
// worker of a browser takes the open page at once (claim), so it works offline from then on.
scope.addEventListener("install", (e) => {
  e.waitUntil(shell.install());
});
scope.addEventListener("activate", (e) => {
  e.waitUntil(shell.prune().then(() => scope.clients.claim()));
});
scope.addEventListener("fetch", (e) => {
  const answer = shell.handle(e.request);
  if (answer) e.respondWith(answer);
});

scope.addEventListener("push", (e) => {
  const push = e.data ? parsePush(e.data.text()) : undefined;
  if (push) e.waitUntil(show(push));
});

scope.addEventListener("notificationclick", (e) => {
  e.notification.close();
  const data = e.notification.data as { conversationId?: unknown } | null;
  const id = typeof data?.conversationId === "string" ? data.conversationId : "";
  e.waitUntil(openChat(id));
});

/**
 * A message shows as one notification per chat (the tag), a burst replacing
 * it and alerting again (renotify); a quiet one only moves the badge; a
 * "clear" (read on another device) closes the chat's notification. The Push
 * API asks for userVisibleOnly subscriptions, so a quiet push with nothing
 * shown may make the browser show a notification of its own (Chromium: "This
 * site has been updated in the background"); nothing here depends on it.
 */
async function show(push: PushPayload): Promise<void> {
  await setAppBadge(scope.navigator, push.badge);
  const reg = scope.registration;
  if (push.kind === "clear") {
    for (const n of await reg.getNotifications({ tag: push.conversationId })) n.close();
    return;
  }
  const windows = await scope.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (!shouldShow(push, windows)) return;
  await reg.showNotification(push.title || "Starling", {
    body: push.body,
    tag: push.conversationId,
    data: { conversationId: push.conversationId, seq: push.seq },
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    ...{ renotify: true },
  });
}

/** Focuses a window of the app and tells it which chat to open; with none open, opens one at the chat's address. */
async function openChat(conversationId: string): Promise<void> {
  const windows = await scope.clients.matchAll({ type: "window", includeUncontrolled: true });
  const url = conversationId ? chatLink(conversationId) : "/";
  const target = clickTarget(windows, scope.location.origin, url);
  if ("open" in target) {
    await scope.clients.openWindow(target.open);
    return;
  }
  const win = windows[target.focus];
  if (!win) return;
  if (conversationId) win.postMessage({ type: OPEN_CHAT, conversationId } satisfies OpenChatMessage);
  // Only a real click may take the focus; the chat is opened either way.
  await win.focus().catch(() => {});
}

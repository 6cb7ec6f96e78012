import type { PushSubscriber } from "./stores/push-subscriber.js";

/** How long to wait for the service worker before subscribing fails (it may have failed to install). */
const WORKER_READY_MS = 10_000;

/** The application server key as the Push API takes it: the raw P-256 public key from its base64url (RFC 8292, section 3.2). */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

async function registration(): Promise<ServiceWorkerRegistration> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the service worker is not running")), WORKER_READY_MS);
  });
  try {
    return await Promise.race([navigator.serviceWorker.ready, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * This browser's push subscription through the service worker's
 * registration (Push API), or undefined where the browser has no push
 * service. A subscription made with another server key (the server's key
 * changed) is replaced, since the push service would refuse the server's
 * messages for it.
 */
export function browserPushSubscriber(): PushSubscriber | undefined {
  if (
    !("serviceWorker" in navigator) ||
    typeof PushManager === "undefined" ||
    typeof Notification === "undefined"
  )
    return undefined;
  return {
    appId: location.origin,
    locale: () => document.documentElement.lang || navigator.language,
    permission: () => Notification.permission,
    requestPermission: () => Notification.requestPermission(),
    async subscribe(applicationServerKey) {
      const key = keyBytes(applicationServerKey);
      const push = (await registration()).pushManager;
      let sub = await push.getSubscription();
      if (sub && !sameKey(sub.options.applicationServerKey, key)) {
        await sub.unsubscribe();
        sub = null;
      }
      sub ??= await push.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      return JSON.stringify(sub.toJSON());
    },
    async unsubscribe() {
      const sub = await (await registration()).pushManager.getSubscription();
      await sub?.unsubscribe();
    },
  };
}

/**
 * What a Web Push message says (the server's PushNotification as JSON, the
 * same fields every provider carries) and what the service worker shows for
 * it. Pure functions, so the rules are tested without a push service.
 */

/** The fields of a push the worker uses; others are ignored. */
export interface PushPayload {
  kind: "message" | "clear";
  conversationId: string;
  seq: number;
  quiet: boolean;
  title: string;
  body: string;
  /** The user's unread total. */
  badge: number;
}

/** Longest title and body shown; the server localises and shortens them already, this only bounds a bad payload. */
const MAX_TITLE = 200;
const MAX_BODY = 1000;

/** The payload as the worker trusts it, or undefined when it is not one of Starling's. */
export function parsePush(text: string): PushPayload | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object") return undefined;
  const kind = raw.kind;
  const conversationId = raw.conversationId;
  if ((kind !== "message" && kind !== "clear") || typeof conversationId !== "string" || !conversationId)
    return undefined;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);
  const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");
  return {
    kind,
    conversationId,
    seq: num(raw.seq),
    quiet: raw.quiet === true,
    title: str(raw.title, MAX_TITLE),
    body: str(raw.body, MAX_BODY),
    badge: num(raw.badge),
  };
}

/** A window of the app as the worker sees it (a WindowClient, reduced). */
export interface AppWindow {
  url: string;
  focused: boolean;
  visibilityState: string;
}

/**
 * Whether the push should show a notification: a message that is not quiet,
 * while no window of the app is both visible and focused (that window shows
 * the message already, and a notification would only repeat it).
 */
export function shouldShow(push: PushPayload, windows: readonly AppWindow[]): boolean {
  if (push.kind !== "message" || push.quiet) return false;
  return !windows.some((w) => w.focused && w.visibilityState === "visible");
}

/**
 * Where a click on a notification goes: the window to focus (a focused one,
 * else a visible one, else any, of this app's origin), or, with none open,
 * a new one at the chat's own address.
 */
export function clickTarget(
  windows: readonly AppWindow[],
  origin: string,
  openUrl: string,
): { focus: number } | { open: string } {
  const ours = windows.map((w, i) => ({ w, i })).filter(({ w }) => sameOrigin(w.url, origin));
  const best =
    ours.find(({ w }) => w.focused) ?? ours.find(({ w }) => w.visibilityState === "visible") ?? ours[0];
  return best ? { focus: best.i } : { open: new URL(openUrl, origin).href };
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/*
 * What the Android vendor channels (Huawei, Xiaomi, OPPO, vivo, Honor) have alike: an integer
 * notification id that makes a new notification replace the old one of the same conversation,
 * title/text limits counted in characters, the app's payload within them, and the shape of a
 * device token.
 */
import type { PushNotification } from "../../core/push/provider.js";

/** The deadline of one request to a vendor's API (auth or send). */
export const VENDOR_TIMEOUT_MS = 10_000;

/**
 * The conversation as a vendor's notification id (Xiaomi notify_id, OPPO notify_id, vivo
 * notifyId): a positive 31-bit integer, the same for every message of the conversation, so a
 * burst replaces one notification. FNV-1a over the UTF-8 bytes: stable across processes.
 */
export function notifyIdOf(conversationId: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(conversationId)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff || 1;
}

/**
 * Text cut to at most `max` characters (code points, as the vendors count them), with an
 * ellipsis when cut: a vendor refuses the whole message when a title or text is too long.
 */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/**
 * Text cut to at most `max` width units, where a character outside ASCII counts two: vivo
 * states its limits so ("一个汉字等于两个英文字符").
 */
export function clipWidth(text: string, max: number): string {
  const width = (ch: string) => (ch.charCodeAt(0) < 0x80 ? 1 : 2);
  let total = 0;
  for (const ch of text) total += width(ch);
  if (total <= max) return text;
  // The ellipsis is not ASCII: it takes two.
  let out = "";
  let used = 0;
  for (const ch of text) {
    if (used + width(ch) > max - 2) break;
    out += ch;
    used += width(ch);
  }
  return `${out}…`;
}

/** The longest device token any vendor issues is well under this. */
const MAX_TOKEN_CHARS = 512;

/**
 * Whether a registration's token can be a vendor's device token: printable ASCII without
 * spaces, 8 to 512 characters (every vendor's tokens and regIds are); a sentence when not.
 */
export function tokenShapeProblem(token: string): string | undefined {
  if (token.length < 8 || token.length > MAX_TOKEN_CHARS)
    return `a token of 8 to ${MAX_TOKEN_CHARS} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return "a token of printable characters without spaces";
  return undefined;
}

/**
 * The app's payload (the notification's fields, and any the vendor adds) as JSON, with the
 * title and text cut as the notification shows them: a long preview would otherwise take the
 * payload over the vendor's size limit and the whole push would be refused.
 */
export function payloadOf(
  n: PushNotification,
  limits: { title: number; body: number },
  extra: Record<string, number> = {},
): string {
  return JSON.stringify({
    ...n,
    title: clip(n.title, limits.title),
    body: clip(n.body, limits.body),
    ...extra,
  });
}

/**
 * The total unread count the chats tab, the page title and the favicon
 * show. Muted chats keep their own grey count in the list but are left out
 * of the total, as DingTalk and Slack leave them out of their badges: muting
 * a busy group is how one stops it asking for attention. The chat being
 * read (open on a visible page) is left out too: what arrives there is read
 * as it arrives, so it never asks for attention either.
 */
export function unreadTotal(
  conversations: Iterable<{ id: string; unreadCount: number; muted: boolean }>,
  reading?: string,
): number {
  let total = 0;
  for (const c of conversations) if (!c.muted && c.id !== reading) total += c.unreadCount;
  return total;
}

/** A count as a badge shows it: "99+" past 99. */
export function badgeText(count: number): string {
  return count > 99 ? "99+" : String(count);
}

/** "(3) Starling", or the plain name when nothing is unread. */
export function pageTitle(count: number, appName: string): string {
  return count > 0 ? `(${badgeText(count)}) ${appName}` : appName;
}

/** The favicon as an SVG data URL (no request): the app's mark, with a red count in the corner when there is one. */
export function faviconUrl(count: number): string {
  const text = badgeText(count);
  const width = [20, 24, 30][text.length - 1] ?? 30;
  const size = [20, 16, 13][text.length - 1] ?? 13;
  const badge =
    count > 0
      ? `<rect x="${32 - width}" y="0" width="${width}" height="20" rx="10" fill="#f53f3f"/>` +
        `<text x="${32 - width / 2}" y="10" dy="0.35em" text-anchor="middle" font-family="Arial,sans-serif" font-weight="700" font-size="${size}" fill="#fff">${text}</text>`
      : "";
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect x="1" y="4" width="27" height="27" rx="7" fill="#1664ff"/>` +
    `<text x="14.5" y="18" dy="0.35em" text-anchor="middle" font-family="Arial,sans-serif" font-weight="700" font-size="18" fill="#fff">S</text>` +
    `${badge}</svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

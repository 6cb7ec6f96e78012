/**
 * The count on the installed app's icon (Badging API), where the browser
 * has one: the unread total, cleared at zero. Used by the page (from the
 * count its title shows) and by the service worker (from a push's badge).
 * A refusal (not installed, not allowed) changes nothing else.
 */
export async function setAppBadge(nav: Navigator, count: number): Promise<void> {
  if (!("setAppBadge" in nav)) return;
  await (count > 0 ? nav.setAppBadge(count) : nav.clearAppBadge()).catch(() => {});
}

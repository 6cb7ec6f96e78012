const KEY = "starling.emoji.recent";
/** Recently used emoji kept. */
export const RECENT_MAX = 24;

/** The emoji this browser used last, most recent first. */
export function recentEmoji(
  storage: Pick<Storage, "getItem"> | undefined = globalThis.localStorage,
): string[] {
  try {
    const saved: unknown = JSON.parse(storage?.getItem(KEY) ?? "[]");
    return Array.isArray(saved)
      ? saved.filter((e): e is string => typeof e === "string").slice(0, RECENT_MAX)
      : [];
  } catch {
    return [];
  }
}

/** Puts `emoji` first in the recent list (stored in this browser only). */
export function rememberEmoji(
  emoji: string,
  storage: Storage | undefined = globalThis.localStorage,
): string[] {
  const next = [emoji, ...recentEmoji(storage).filter((e) => e !== emoji)].slice(0, RECENT_MAX);
  try {
    storage?.setItem(KEY, JSON.stringify(next));
  } catch {
    // A full or forbidden storage only loses the list.
  }
  return next;
}

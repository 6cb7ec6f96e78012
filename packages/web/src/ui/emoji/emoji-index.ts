/** One emoji as Emojibase's compact data gives it (the fields used). */
export interface RawEmoji {
  hexcode: string;
  unicode: string;
  label: string;
  group?: number;
  order?: number;
  tags?: string[];
}

/** One emoji of the picker with everything it is found by. */
export interface EmojiEntry {
  emoji: string;
  group: number;
  order: number;
  en: string;
  zh: string;
  /** Lower-case English and Chinese keywords. */
  keywords: string[];
  shortcodes: string[];
}

/** Emojibase's groups shown as categories, in order; 2 (skin tone and hair components) is not one. */
export const CATEGORY_GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9] as const;
export type CategoryGroup = (typeof CATEGORY_GROUPS)[number];

/** Joins the English and Chinese data by hexcode; emoji outside the categories are left out. */
export function indexEmoji(
  en: readonly RawEmoji[],
  zh: readonly RawEmoji[],
  shortcodes: Record<string, string | string[]>,
): EmojiEntry[] {
  const zhBy = new Map(zh.map((e) => [e.hexcode, e]));
  const groups = new Set<number>(CATEGORY_GROUPS);
  const out: EmojiEntry[] = [];
  for (const e of en) {
    if (e.group === undefined || !groups.has(e.group)) continue;
    const z = zhBy.get(e.hexcode);
    const codes = shortcodes[e.hexcode];
    out.push({
      emoji: e.unicode,
      group: e.group,
      order: e.order ?? 0,
      en: e.label,
      zh: z?.label ?? e.label,
      keywords: [...(e.tags ?? []), ...(z?.tags ?? [])].map((k) => k.toLowerCase()),
      shortcodes: codes === undefined ? [] : typeof codes === "string" ? [codes] : codes,
    });
  }
  return out.sort((a, b) => a.order - b.order);
}

/**
 * The emoji a search finds, best first: a shortcode that is the query, then
 * names and shortcodes that start with it, then any name or keyword that
 * contains it (Chinese has no word breaks, so 笑 finds 笑脸 and 大笑).
 * `:smile:` and `smile` are the same query.
 */
export function searchEmoji(all: readonly EmojiEntry[], queryIn: string, limit = 120): EmojiEntry[] {
  const q = queryIn
    .trim()
    .toLowerCase()
    .replace(/^:+|:+$/g, "");
  if (!q) return [];
  const ranked: { e: EmojiEntry; rank: number }[] = [];
  for (const e of all) {
    const en = e.en.toLowerCase();
    const rank = e.shortcodes.includes(q)
      ? 0
      : en.startsWith(q) || e.shortcodes.some((s) => s.startsWith(q)) || e.keywords.includes(q)
        ? 1
        : en.split(/[\s:-]+/).some((w) => w.startsWith(q)) || e.keywords.some((k) => k.startsWith(q))
          ? 2
          : e.zh.includes(q) || e.keywords.some((k) => k.includes(q)) || en.includes(q)
            ? 3
            : -1;
    if (rank >= 0) ranked.push({ e, rank });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.e.order - b.e.order);
  return ranked.slice(0, limit).map((r) => r.e);
}

import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { type Strings, useStrings } from "../../i18n.js";
import { CATEGORY_GROUPS, type CategoryGroup, type EmojiEntry, searchEmoji } from "./emoji-index.js";
import { recentEmoji, rememberEmoji } from "./recent-emoji.js";

/** Emoji per row of the grid: arrow keys up and down move by this much. */
const COLUMNS = 8;

type Tab = "recent" | CategoryGroup;

const CATEGORIES: Record<CategoryGroup, { icon: string; label: keyof Strings }> = {
  0: { icon: "😀", label: "emojiSmileys" },
  1: { icon: "👋", label: "emojiPeople" },
  3: { icon: "🐶", label: "emojiAnimals" },
  4: { icon: "🍎", label: "emojiFood" },
  5: { icon: "✈️", label: "emojiTravel" },
  6: { icon: "⚽", label: "emojiActivities" },
  7: { icon: "💡", label: "emojiObjects" },
  8: { icon: "❤️", label: "emojiSymbols" },
  9: { icon: "🏁", label: "emojiFlags" },
};

/** An emoji known only from the recent list, before the data has loaded. */
const bare = (emoji: string): EmojiEntry => ({
  emoji,
  group: -1,
  order: 0,
  en: emoji,
  zh: emoji,
  keywords: [],
  shortcodes: [],
});

/**
 * The emoji panel: a search (English and Chinese names, keywords and
 * shortcodes), the categories as tabs with the recently used first, and the
 * emoji as one keyboard stop whose arrow keys move through it. The full set
 * is loaded on first open as a chunk of its own.
 */
export function EmojiPanel(props: { onPick(emoji: string): void; onClose(): void }) {
  const { t, lang } = useStrings();
  const [all, setAll] = useState<readonly EmojiEntry[] | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const [recent, setRecent] = useState(() => recentEmoji());
  const [tab, setTab] = useState<Tab>(() => (recent.length > 0 ? "recent" : 0));
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const grid = useRef<HTMLDivElement>(null);
  const tabs = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const gridId = useId();

  useEffect(() => {
    let live = true;
    import("./emoji-data.js").then(
      (m) => live && setAll(m.EMOJI),
      () => live && setFailed(true),
    );
    search.current?.focus();
    return () => {
      live = false;
    };
  }, []);

  const byEmoji = useMemo(() => new Map((all ?? []).map((e) => [e.emoji, e])), [all]);
  const shown = useMemo(() => {
    if (query.trim()) return all ? searchEmoji(all, query) : [];
    if (tab === "recent") return recent.map((e) => byEmoji.get(e) ?? bare(e));
    return (all ?? []).filter((e) => e.group === tab);
  }, [all, byEmoji, query, tab, recent]);
  // A new list starts its keyboard stop at its first emoji.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the list shown changes
  useEffect(() => setActive(0), [shown]);

  const tabList: Tab[] = [...(recent.length > 0 ? (["recent"] as const) : []), ...CATEGORY_GROUPS];
  const tabLabel = (k: Tab) => (k === "recent" ? t.emojiRecent : t[CATEGORIES[k].label]);
  const nameOf = (e: EmojiEntry) => (lang === "zh" ? e.zh : e.en);

  const pick = (emoji: string) => {
    setRecent(rememberEmoji(emoji));
    props.onPick(emoji);
  };
  const focusAt = (i: number) => {
    const n = Math.max(0, Math.min(shown.length - 1, i));
    setActive(n);
    grid.current?.querySelectorAll<HTMLButtonElement>("button")[n]?.focus();
  };
  const onGridKey = (e: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowRight: active + 1,
      ArrowLeft: active - 1,
      ArrowDown: active + COLUMNS,
      ArrowUp: active - COLUMNS,
      Home: 0,
      End: shown.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    if (e.key === "ArrowUp" && active < COLUMNS) search.current?.focus();
    else focusAt(to);
  };
  const onTabKey = (e: KeyboardEvent) => {
    const at = tabList.indexOf(tab);
    const to = e.key === "ArrowRight" ? at + 1 : e.key === "ArrowLeft" ? at - 1 : undefined;
    if (to === undefined) return;
    e.preventDefault();
    const next = tabList[(to + tabList.length) % tabList.length] ?? 0;
    setTab(next);
    setQuery("");
    tabs.current?.querySelectorAll<HTMLButtonElement>("[role=tab]")[tabList.indexOf(next)]?.focus();
  };
  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      focusAt(0);
    } else if (e.key === "Enter" && shown[0]) {
      e.preventDefault();
      pick(shown[0].emoji);
    }
  };
  const status = failed
    ? t.emojiFailed
    : !all && (query || tab !== "recent")
      ? t.emojiLoading
      : query.trim() && shown.length === 0
        ? t.emojiNothing.replace("{query}", query.trim())
        : "";

  return (
    <div
      className="emoji-panel"
      role="dialog"
      aria-label={t.emoji}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          // Closes this only; the chat stays open (see ChatView).
          e.preventDefault();
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <input
        ref={search}
        type="search"
        className="emoji-search"
        aria-label={t.emojiSearch}
        placeholder={t.emojiSearch}
        aria-controls={gridId}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      <div
        className="emoji-tabs"
        role="tablist"
        aria-label={t.emojiCategories}
        ref={tabs}
        onKeyDown={onTabKey}
      >
        {tabList.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            aria-selected={!query.trim() && tab === k}
            aria-controls={gridId}
            aria-label={tabLabel(k)}
            title={tabLabel(k)}
            tabIndex={tab === k ? 0 : -1}
            onClick={() => {
              setTab(k);
              setQuery("");
            }}
          >
            {k === "recent" ? "🕘" : CATEGORIES[k].icon}
          </button>
        ))}
      </div>
      <div
        id={gridId}
        ref={grid}
        className="emoji-grid"
        role="tabpanel"
        aria-label={query.trim() ? t.emojiSearch : tabLabel(tab)}
        onKeyDown={onGridKey}
      >
        {shown.map((e, i) => (
          <button
            key={e.emoji}
            type="button"
            aria-label={nameOf(e)}
            title={e.shortcodes[0] ? `${nameOf(e)} :${e.shortcodes[0]}:` : nameOf(e)}
            tabIndex={i === active ? 0 : -1}
            onFocus={() => setActive(i)}
            onClick={() => pick(e.emoji)}
          >
            {e.emoji}
          </button>
        ))}
      </div>
      <p className="hint emoji-status" role="status">
        {status}
      </p>
    </div>
  );
}

import {
  type ChangeEvent,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { useStrings } from "../../i18n.js";
import type { PanelActions } from "../workspace.js";
import { SearchResults } from "./search-results.js";
import "./search.css";
import { type Found, type KindFilter, QUERY_MAX, useSearch } from "./use-search.js";

const KIND_FILTERS: KindFilter[] = ["all", "text", "images", "files"];

function isEmpty(found: Found): boolean {
  return found.people.length + found.groups.length + found.messages.length + found.files.length === 0;
}

/**
 * The search panel: a box that searches people, groups, messages and files
 * as the user types (Enter at once, Escape clears), an optional message
 * kind, and the results grouped by kind. A message opens its chat at it.
 */
export function SearchPanel(props: PanelActions) {
  const { t } = useStrings();
  const [text, setText] = useState("");
  const [kind, setKind] = useState<KindFilter>("all");
  const search = useSearch();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const typed = (value: string) => {
    if (value.trim()) search.type(value, kind);
    else search.clear();
  };
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    setText(e.target.value);
    // While an input method is composing, the box holds unfinished syllables, not a query.
    if (!(e.nativeEvent as InputEvent).isComposing) typed(e.target.value);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Escape" || e.nativeEvent.isComposing) return;
    e.preventDefault();
    setText("");
    search.clear();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    search.now(text, kind);
  };
  const onKind = (e: ChangeEvent<HTMLSelectElement>) => {
    const next = e.target.value as KindFilter;
    setKind(next);
    if (text.trim()) search.now(text, next);
  };

  const kindLabels: Record<KindFilter, string> = {
    all: t.searchKindAll,
    text: t.searchKindText,
    images: t.searchKindImages,
    files: t.searchKindFiles,
  };
  const found = search.found;
  return (
    <div className="search-panel">
      <search className="search-bar">
        <form className="search-form" onSubmit={onSubmit}>
          <label htmlFor={inputId} className="sr-only">
            {t.searchBox}
          </label>
          <input
            ref={input}
            id={inputId}
            type="search"
            value={text}
            maxLength={QUERY_MAX}
            placeholder={t.searchPlaceholder}
            autoComplete="off"
            enterKeyHint="search"
            onChange={onChange}
            onCompositionEnd={(e) => typed(e.currentTarget.value)}
            onKeyDown={onKeyDown}
          />
          <select aria-label={t.searchKind} value={kind} onChange={onKind}>
            {KIND_FILTERS.map((k) => (
              <option key={k} value={k}>
                {kindLabels[k]}
              </option>
            ))}
          </select>
        </form>
      </search>
      <p role="status" className="hint search-status">
        {search.searching ? t.searchSearching : ""}
      </p>
      {search.error && (
        <p role="alert" className="error search-error">
          {t.searchFailed}
          {search.error}
        </p>
      )}
      {!found && !search.searching && !search.error && <p className="empty">{t.searchHint}</p>}
      {found && isEmpty(found) && <p className="empty">{t.searchNothing.replace("{query}", found.query)}</p>}
      {found && !isEmpty(found) && (
        <SearchResults found={found} actions={props} loadingMore={search.loadingMore} onMore={search.more} />
      )}
    </div>
  );
}

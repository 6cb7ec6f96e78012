import type { UserCard } from "@starling/sdk";
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useArrowKeys } from "./arrow-keys.js";
import { ErrorNote } from "./error-note.js";
import { nameOf } from "./people.js";
import { usePeopleSearch } from "./people-search.js";
import { PersonButton } from "./person-button.js";

/**
 * Choosing people: a search box whose results are added with a click (Enter
 * adds the first), and the chosen ones, each with a button to take them off.
 * People in `exclude` (already members, the user) are not offered.
 */
export function PeoplePicker(props: {
  chosen: UserCard[];
  exclude: ReadonlySet<string>;
  onChange(chosen: UserCard[]): void;
}) {
  const { t } = useStrings();
  const [query, setQuery] = useState("");
  const { result, error } = usePeopleSearch(query);
  const chosenIds = new Set(props.chosen.map((c) => c.id));
  const offered = (result?.users ?? []).filter((u) => !chosenIds.has(u.id) && !props.exclude.has(u.id));
  const searchId = useId();
  const input = useRef<HTMLInputElement>(null);
  const arrows = useArrowKeys<HTMLDivElement>();

  const pick = (card: UserCard) => {
    props.onChange([...props.chosen, card]);
    setQuery("");
    input.current?.focus();
  };
  const unpick = (card: UserCard) => props.onChange(props.chosen.filter((c) => c.id !== card.id));
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Enter" || e.nativeEvent.isComposing) return;
    e.preventDefault();
    const first = offered[0];
    if (first) pick(first);
  };

  return (
    <div className="contacts-picker">
      <h3 className="contacts-heading">{t.contactsChosen}</h3>
      {props.chosen.length === 0 ? (
        <p className="hint contacts-note">{t.contactsNobodyChosen}</p>
      ) : (
        <ul className="contacts-chosen" aria-label={t.contactsChosen}>
          {props.chosen.map((c) => (
            <li key={c.id} className="contacts-chip">
              <span>{nameOf(c)}</span>
              <button
                type="button"
                className="link"
                aria-label={`${t.contactsUnpick} ${nameOf(c)}`}
                onClick={() => unpick(c)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div ref={arrows}>
        <label htmlFor={searchId} className="contacts-label">
          {t.contactsAddPeople}
        </label>
        <input
          id={searchId}
          ref={input}
          type="search"
          className="contacts-input"
          placeholder={t.contactsFindHint}
          autoComplete="off"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
        />
        <ErrorNote error={error} />
        {result && result.users.length === 0 && <p className="hint contacts-note">{t.contactsNoMatches}</p>}
        {offered.length > 0 && (
          <ul className="contacts-people" aria-label={t.contactsPeople}>
            {offered.map((u) => (
              <li key={u.id}>
                <PersonButton card={u} label={`${t.contactsPick} ${nameOf(u)}`} onClick={pick} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

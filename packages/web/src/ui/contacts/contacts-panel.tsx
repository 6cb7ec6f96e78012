import type { UserCard } from "@starling/sdk";
import { useEffect, useId, useRef, useState } from "react";
import { useStrings } from "../../i18n.js";
import type { PanelActions } from "../workspace.js";
import { useArrowKeys } from "./arrow-keys.js";
import { DepartmentTree } from "./department-tree.js";
import { DirectorySearch } from "./directory-search.js";
import { NewGroupDialog } from "./group-dialog.js";
import { GroupList } from "./group-list.js";
import { GroupMembers } from "./group-members.js";
import { UserCardView } from "./user-card.js";
import "./contacts.css";

type View =
  | { kind: "browse" }
  | { kind: "person"; card: UserCard }
  | { kind: "newGroup" }
  | { kind: "group"; conversationId: string };

/**
 * The contacts panel: the organisation tree with a filter box, the user's
 * groups, a colleague's card, a new group, and a group's members. The tree
 * stays mounted (hidden) behind a card so that going back keeps it as it was,
 * and the focus goes back to what opened the card (Back, or Escape).
 */
export function ContactsPanel(props: PanelActions) {
  const { t } = useStrings();
  const [view, setView] = useState<View>({ kind: "browse" });
  const [query, setQuery] = useState("");
  const filterId = useId();
  const arrows = useArrowKeys<HTMLDivElement>();
  const searching = query.trim().length > 0;
  const root = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const show = (next: View) => {
    if (view.kind === "browse" && document.activeElement instanceof HTMLElement)
      opener.current = document.activeElement;
    setView(next);
    // The tree is hidden behind the card: the focus moves into the card (unless it took it itself).
    requestAnimationFrame(() => {
      const el = root.current;
      const at = document.activeElement;
      if (!el || (at && el.contains(at) && !el.querySelector(".contacts-browse")?.contains(at))) return;
      el.querySelector<HTMLElement>(".contacts-back")?.focus();
    });
  };
  const browse = () => {
    setView({ kind: "browse" });
    requestAnimationFrame(() => opener.current?.focus());
  };
  const onPerson = (card: UserCard) => show({ kind: "person", card });
  const inView = view.kind !== "browse";
  // biome-ignore lint/correctness/useExhaustiveDependencies: browse only sets state and reads refs
  useEffect(() => {
    const el = root.current;
    if (!el || !inView) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || e.isComposing) return;
      e.preventDefault();
      browse();
    };
    el.addEventListener("keydown", onKey);
    return () => el.removeEventListener("keydown", onKey);
  }, [inView]);

  return (
    <div className="contacts" ref={root}>
      <div className="contacts-browse" ref={arrows} hidden={view.kind !== "browse"}>
        <div className="contacts-toolbar">
          <label htmlFor={filterId} className="sr-only">
            {t.contactsFind}
          </label>
          <input
            id={filterId}
            type="search"
            className="contacts-input"
            placeholder={t.contactsFind}
            title={t.contactsFindHint}
            autoComplete="off"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="button" className="contacts-new" onClick={() => show({ kind: "newGroup" })}>
            <span aria-hidden="true">+ </span>
            {t.contactsNewGroup}
          </button>
        </div>
        {searching && <DirectorySearch query={query} onPerson={onPerson} />}
        <div hidden={searching}>
          <DepartmentTree onPerson={onPerson} />
          <GroupList
            onOpen={(id) => props.onOpen(id)}
            onManage={(id) => show({ kind: "group", conversationId: id })}
          />
        </div>
      </div>
      {view.kind === "person" && (
        <UserCardView card={view.card} onBack={browse} onMessage={(id) => props.onStartChat(id)} />
      )}
      {view.kind === "newGroup" && (
        <NewGroupDialog
          onBack={browse}
          onCreated={(id) => {
            browse();
            props.onOpen(id);
          }}
        />
      )}
      {view.kind === "group" && (
        <GroupMembers
          conversationId={view.conversationId}
          onBack={browse}
          onOpen={(id) => props.onOpen(id)}
        />
      )}
    </div>
  );
}

import type { UserCard } from "@starling/sdk";
import { useId, useState } from "react";
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
 * stays mounted (hidden) behind a card so that going back keeps it as it was.
 */
export function ContactsPanel(props: PanelActions) {
  const { t } = useStrings();
  const [view, setView] = useState<View>({ kind: "browse" });
  const [query, setQuery] = useState("");
  const filterId = useId();
  const arrows = useArrowKeys<HTMLDivElement>();
  const searching = query.trim().length > 0;
  const browse = () => setView({ kind: "browse" });
  const onPerson = (card: UserCard) => setView({ kind: "person", card });

  return (
    <div className="contacts">
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
          <button type="button" className="contacts-new" onClick={() => setView({ kind: "newGroup" })}>
            <span aria-hidden="true">+ </span>
            {t.contactsNewGroup}
          </button>
        </div>
        {searching && <DirectorySearch query={query} onPerson={onPerson} />}
        <div hidden={searching}>
          <DepartmentTree onPerson={onPerson} />
          <GroupList
            onOpen={(id) => props.onOpen(id)}
            onManage={(id) => setView({ kind: "group", conversationId: id })}
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

import { type Conversation, ConversationKind } from "@starling/sdk";
import { useStrings } from "../../i18n.js";
import type { Conversations } from "../../stores/conversations.js";
import { useChat } from "../../use-chat.js";
import { NAV } from "./arrow-keys.js";
import { initialOf } from "./people.js";

/** The groups the user is in (and that still exist). */
export function myGroups(conversations: Conversations): Conversation[] {
  return conversations
    .list()
    .filter((c) => c.kind === ConversationKind.GROUP && c.active && !c.disbanded)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The user's groups, each opening its chat or its member manager. */
export function GroupList(props: {
  onOpen(conversationId: string): void;
  onManage(conversationId: string): void;
}) {
  const { conversations } = useChat("conversations");
  const { t } = useStrings();
  const groups = myGroups(conversations);

  return (
    <section className="contacts-section" aria-labelledby="contacts-groups">
      <h2 id="contacts-groups" className="contacts-heading">
        {t.contactsGroups}
      </h2>
      {groups.length === 0 ? (
        <p className="hint contacts-note">{t.contactsNoGroups}</p>
      ) : (
        <ul className="contacts-people">
          {groups.map((g) => (
            <li key={g.id} className="contacts-group">
              <button type="button" className="contacts-person" {...NAV} onClick={() => props.onOpen(g.id)}>
                <span className="avatar" aria-hidden="true">
                  {initialOf(g.name)}
                </span>
                <span className="contacts-person-main">
                  <span className="contacts-person-name">{g.name}</span>
                  <span className="contacts-person-sub">
                    {g.memberCount} {t.members}
                  </span>
                </span>
              </button>
              <button
                type="button"
                className="link"
                {...NAV}
                aria-label={`${t.contactsManage} ${g.name}`}
                onClick={() => props.onManage(g.id)}
              >
                {t.contactsManage}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

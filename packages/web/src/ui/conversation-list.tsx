import { type KeyboardEvent, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { Avatar } from "./avatar.js";
import { preview, shortName, shortTime, title } from "./format.js";
import { eventText } from "./groups/event-text.js";

/**
 * The user's chats, newest activity first, with unread counts and, for a
 * chat with unsent text, its draft. The list is one Tab stop (a roving
 * tabindex: the open chat, else the last one moved to, else the first), so Tab
 * leaves it at once for the chat; the arrow keys, Home and End move within it,
 * Enter opens.
 */
export function ConversationList(props: { selected: string | undefined; onSelect(id: string): void }) {
  const { session, conversations, people, presence, drafts } = useChat(
    "conversations",
    "people",
    "presence",
    "drafts",
  );
  const { t } = useStrings();
  const list = conversations.list();
  const [moved, setMoved] = useState<string | undefined>(undefined);
  const stop =
    list.find((c) => c.id === moved)?.id ?? list.find((c) => c.id === props.selected)?.id ?? list[0]?.id;

  const onKey = (e: KeyboardEvent<HTMLElement>, index: number) => {
    const keys: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: list.length - 1,
    };
    const next = keys[e.key];
    if (next === undefined || next < 0 || next >= list.length) return;
    e.preventDefault();
    const items = e.currentTarget.closest("ul")?.querySelectorAll<HTMLElement>(".conversation");
    items?.[next]?.focus();
  };

  if (list.length === 0) return <p className="empty">{t.noConversations}</p>;
  return (
    <ul className="conversations" id="conversation-list" aria-label={t.conversations}>
      {list.map((c, i) => {
        const unread = c.unreadCount;
        const draft = props.selected !== c.id && drafts.has(c.id) ? drafts.get(c.id).text : "";
        return (
          <li key={c.id}>
            <button
              type="button"
              className={`conversation${props.selected === c.id ? " selected" : ""}`}
              aria-current={props.selected === c.id ? "true" : undefined}
              tabIndex={c.id === stop ? 0 : -1}
              onFocus={() => setMoved(c.id)}
              data-testid={`conversation-${c.name || shortName(c.peerId)}`}
              onClick={() => props.onSelect(c.id)}
              onKeyDown={(e) => onKey(e, i)}
            >
              <Avatar
                {...(c.peerId ? { userId: c.peerId } : {})}
                {...(c.avatar ? { picture: c.avatar } : {})}
                label={title(c, people.displayName)}
                presence
              />
              <span className="conversation-main">
                <span className="conversation-title">
                  {title(c, people.displayName)}
                  {c.peerId && presence.presenceOf(c.peerId) && (
                    <span className="sr-only"> ({t[presence.presenceOf(c.peerId) ?? "offline"]})</span>
                  )}
                </span>
                <span className="conversation-preview">
                  {c.unreadMentions > 0 && props.selected !== c.id && (
                    <>
                      <span className="mention-marker" data-testid="mention-marker">
                        {t.mentionMarker}
                      </span>{" "}
                    </>
                  )}
                  {draft ? (
                    <>
                      <span className="draft-marker" data-testid="draft">
                        [{t.draft}]
                      </span>{" "}
                      {draft}
                    </>
                  ) : (
                    (c.lastMessage?.event &&
                      eventText(c.lastMessage.event, session.userId, people.displayName, t)) ||
                    preview(c.lastMessage, t)
                  )}
                </span>
              </span>
              <span className="conversation-side">
                <time>{shortTime(Number(c.lastMessage?.serverTime ?? 0n), t)}</time>
                {(c.pinnedAt > 0n || c.muted) && (
                  <span className="flags">
                    {c.pinnedAt > 0n && (
                      <span className="flag" data-testid="pinned">
                        <span aria-hidden="true">📌</span>
                        <span className="sr-only">{t.pinned}</span>
                      </span>
                    )}
                    {c.muted && (
                      <span className="flag" data-testid="muted">
                        <span aria-hidden="true">🔕</span>
                        <span className="sr-only">{t.muted}</span>
                      </span>
                    )}
                  </span>
                )}
                {unread > 0 && (
                  <span className={c.muted ? "badge muted" : "badge"}>
                    <span aria-hidden="true">{unread > 99 ? "99+" : unread}</span>
                    <span className="sr-only">
                      {unread} {t.unread}
                    </span>
                  </span>
                )}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

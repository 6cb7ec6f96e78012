import type { Message } from "@starling/sdk";
import { useEffect, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { shortTime, title } from "../format.js";
import { RichText } from "../rich-text.js";

/**
 * The "@me" view: the messages mentioning me across chats, newest first,
 * each opening its chat at the message; older ones page in on request.
 * Loaded afresh each time the view opens.
 */
export function MentionsPanel(props: {
  /** Opens a chat at a message (the workspace's PanelActions.onOpen). */
  onOpen(conversationId: string, seq?: bigint): void;
}) {
  const { t } = useStrings();
  const { session, conversations, people } = useChat("conversations", "people");
  const [messages, setMessages] = useState<Message[] | undefined>(undefined);
  const [cursor, setCursor] = useState("");
  const [error, setError] = useState("");

  const load = async (from: string) => {
    const client = session.client;
    if (!client) return;
    try {
      const page = await client.listMentions({ cursor: from });
      setMessages((have) => [...(from ? (have ?? []) : []), ...page.messages]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once per opening
  useEffect(() => {
    void load("");
  }, []);

  return (
    <section className="mentions-panel" aria-label={t.mentionsTitle}>
      <h2 className="sr-only">{t.mentionsTitle}</h2>
      {error && (
        <p role="alert" className="error notice">
          {error}
        </p>
      )}
      {messages === undefined ? (
        <p className="hint notice">{t.mentionsLoading}</p>
      ) : messages.length === 0 ? (
        <p className="hint notice">{t.mentionsEmpty}</p>
      ) : (
        <ul className="search-results" aria-label={t.mentionsTitle}>
          {messages.map((m) => {
            const where = conversations.get(m.conversationId);
            return (
              <li key={`${m.conversationId}#${m.seq}`}>
                <button
                  type="button"
                  className="search-hit message-hit"
                  data-testid="mention-hit"
                  onClick={() => props.onOpen(m.conversationId, m.seq)}
                >
                  <span className="search-hit-head">
                    <span className="search-hit-title">{people.displayName(m.senderId)}</span>
                    {where?.name && (
                      <span className="search-hit-where">
                        {t.mentionsIn} {title(where, people.displayName)}
                      </span>
                    )}
                    <time>{shortTime(Number(m.serverTime), t)}</time>
                  </span>
                  <span className="search-snippet">
                    <RichText text={m.content?.text ?? ""} mentions={m.content?.mentions ?? []} />
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {cursor && (
        <button type="button" className="link notice" onClick={() => void load(cursor)}>
          {t.contactsMore}
        </button>
      )}
    </section>
  );
}

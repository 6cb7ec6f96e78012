import { useEffect, useState } from "react";
import { useStrings } from "../../i18n.js";
import { parseForward } from "../../stores/forward.js";
import { useChat } from "../../use-chat.js";
import { shortTime, title } from "../format.js";
import { contentSummary } from "../plain-text.js";

/** The user's favourites, newest first: each opens its chat at the message, and can be removed. */
export function FavouritesPanel(props: { onOpen(conversationId: string, seq?: bigint): void }) {
  const { t } = useStrings();
  const { extras, people, conversations } = useChat("extras", "people", "conversations");
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState("");
  useEffect(() => {
    void extras
      .loadFavourites()
      .catch((e: Error) => setError(`${t.menuFailed}${e.message}`))
      .finally(() => setLoading(false));
  }, [extras, t]);
  const list = extras.favourites();
  const chatName = (id: string) => {
    const c = conversations.get(id);
    return c ? title(c, people.displayName) : "";
  };
  return (
    <section className="favourites" aria-label={t.favouritesTab}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {loading && list.length === 0 ? (
        <p className="hint" role="status">
          {t.favouritesLoading}
        </p>
      ) : list.length === 0 ? (
        <p className="empty">{t.favouritesEmpty}</p>
      ) : (
        <ul className="favourite-list">
          {list.map((f) => {
            const m = f.message;
            const text = m.recalled
              ? t.recalled
              : (parseForward(m)?.title ?? (m.content ? contentSummary(m.content) : ""));
            return (
              <li key={f.id} className="favourite" data-testid="favourite">
                <button
                  type="button"
                  className="favourite-open"
                  title={t.favouritesOpen}
                  onClick={() => props.onOpen(f.conversationId, f.seq)}
                >
                  <span className="message-meta">
                    <span className="sender">{people.displayName(m.senderId)}</span>
                    {/* A group's name; a 1:1 chat is already named by its sender or by "me". */}
                    {chatName(f.conversationId) !== people.displayName(m.senderId) && (
                      <span className="hint">{chatName(f.conversationId)}</span>
                    )}
                    <time>{shortTime(Number(m.serverTime), t)}</time>
                  </span>
                  <span className="favourite-text">{text}</span>
                </button>
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    void extras
                      .removeFavourite(f.id)
                      .catch((e: Error) => setError(`${t.menuFailed}${e.message}`))
                  }
                >
                  {t.favouritesRemove}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {extras.hasMore && (
        <button type="button" className="link" onClick={() => void extras.loadOlderFavourites()}>
          {t.favouritesMore}
        </button>
      )}
    </section>
  );
}

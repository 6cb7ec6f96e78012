import type { Message } from "@starling/sdk";
import { useEffect, useRef, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import { type ForwardResult, forwardBody, forwardFallback } from "../../stores/forward.js";
import { useChat } from "../../use-chat.js";
import { shortName, title } from "../format.js";

/**
 * Where to forward: a modal dialog with a search over the chat list and a
 * tick per chat, any number of them. Sends the messages one by one, or
 * (merged) as one chat-history message, and says which chats refused.
 */
export function ForwardPicker(props: {
  conversationId: string;
  messages: readonly Message[];
  merged: boolean;
  onClose(): void;
  onDone(result: ForwardResult): void;
}) {
  const { t } = useStrings();
  const { conversations, people, forwarding, session } = useChat("conversations", "people");
  const ref = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [failures, setFailures] = useState<string[]>([]);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const q = query.trim().toLowerCase();
  const all = conversations.list();
  const matches = all.filter(
    (c) =>
      q === "" || title(c, people.displayName).toLowerCase().includes(q) || c.id.toLowerCase().includes(q),
  );
  const nameOfChat = (id: string) => {
    const c = conversations.get(id);
    return c ? title(c, people.displayName) : shortName(id);
  };
  const toggle = (id: string) =>
    setChosen(chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id]);

  const send = async () => {
    setSending(true);
    setFailures([]);
    let result: ForwardResult;
    if (props.merged) {
      const source = conversations.get(props.conversationId);
      const heading = source?.name
        ? fill(t.historyOfChat, { chat: source.name })
        : fill(t.historyOf, {
            names: [...new Set(props.messages.map((m) => people.displayName(m.senderId)))].join(t.historyAnd),
          });
      const body = forwardBody(props.messages, heading, people.displayName);
      const text = forwardFallback(body, session.maxTextLength, (n) => fill(t.attachmentCount, { count: n }));
      result = await forwarding.merged(body, text, chosen);
    } else {
      result = await forwarding.each(props.messages, chosen);
    }
    setSending(false);
    if (result.failed.length > 0) {
      setFailures(
        result.failed.map(
          (f) => `${fill(t.forwardFailed, { chat: nameOfChat(f.conversationId) })}${f.error.message}`,
        ),
      );
      setChosen(result.failed.map((f) => f.conversationId));
      return;
    }
    props.onDone(result);
    ref.current?.close();
  };

  const heading = props.merged ? t.forwardMergedTitle : t.forwardTitle;
  return (
    <dialog ref={ref} className="forward-picker" aria-label={heading} onClose={props.onClose}>
      <header>
        <h3>{heading}</h3>
        <button type="button" className="link" onClick={() => ref.current?.close()}>
          {t.cancel}
        </button>
      </header>
      <input
        type="search"
        // The dialog opens to be searched; showModal honours autofocus.
        autoFocus
        aria-label={t.forwardSearch}
        placeholder={t.forwardSearch}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {matches.length === 0 ? (
        <p className="empty">{t.forwardNoMatches}</p>
      ) : (
        <ul className="forward-targets" aria-label={t.conversations}>
          {matches.map((c) => (
            <li key={c.id}>
              <label>
                <input
                  type="checkbox"
                  checked={chosen.includes(c.id)}
                  onChange={() => toggle(c.id)}
                  data-testid={`forward-to-${c.name || shortName(c.peerId)}`}
                />
                {title(c, people.displayName)}
              </label>
            </li>
          ))}
        </ul>
      )}
      {failures.map((f) => (
        <p key={f} role="alert" className="error">
          {f}
        </p>
      ))}
      <footer>
        <span className="hint">{fill(t.forwardChosen, { count: chosen.length })}</span>
        <button type="button" disabled={chosen.length === 0 || sending} onClick={() => void send()}>
          {sending ? t.forwardSending : t.forwardSend}
        </button>
      </footer>
    </dialog>
  );
}

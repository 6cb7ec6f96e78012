import type { Message } from "@starling/sdk";
import {
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import { store } from "../chat-store.js";
import { useStrings } from "../i18n.js";
import { shortName, shortTime, title } from "./format.js";

/** One chat: its messages (older ones load on scrolling up, keeping the view still) and the composer. */
export function ChatView(props: { conversationId: string; onBack(): void }) {
  useSyncExternalStore(store.subscribe, store.version);
  const { t } = useStrings();
  const id = props.conversationId;
  const conv = store.conversation(id);
  const messages = store.messages.get(id) ?? [];
  const list = useRef<HTMLOListElement>(null);
  const anchor = useRef<{ height: number; top: number } | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const lastSeq = messages[messages.length - 1]?.seq;

  useEffect(() => {
    void store.open(id);
  }, [id]);

  // New messages at the bottom: stay at the bottom. Older ones at the top: keep what was on screen still.
  const count = messages.length;
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || count === 0 || lastSeq === undefined) return;
    const a = anchor.current;
    if (a) {
      el.scrollTop = el.scrollHeight - a.height + a.top;
      anchor.current = undefined;
    } else {
      el.scrollTop = el.scrollHeight;
    }
  }, [count, lastSeq]);

  useEffect(() => {
    if (lastSeq !== undefined && document.visibilityState === "visible") void store.markRead(id);
  }, [id, lastSeq]);

  const onScroll = () => {
    const el = list.current;
    if (!el || loadingOlder || store.complete.has(id) || el.scrollTop > 80) return;
    anchor.current = { height: el.scrollHeight, top: el.scrollTop };
    setLoadingOlder(true);
    void store.loadOlder(id).finally(() => setLoadingOlder(false));
  };

  if (!conv) return null;
  return (
    <section className="chat" aria-label={title(conv)}>
      <header className="chat-header">
        <button type="button" className="back link" onClick={props.onBack} aria-label="←">
          ←
        </button>
        <h2>{title(conv)}</h2>
        {conv.name && (
          <span className="hint">
            {conv.memberCount} {t.members}
          </span>
        )}
      </header>
      <ol className="messages" ref={list} onScroll={onScroll} aria-live="polite" aria-relevant="additions">
        {loadingOlder && <li className="hint">{t.loadingOlder}</li>}
        {messages.map((m) => (
          <MessageItem key={String(m.seq)} m={m} mine={m.senderId === store.userId} />
        ))}
      </ol>
      <Composer conversationId={id} />
    </section>
  );
}

function MessageItem(props: { m: Message; mine: boolean }) {
  const { t } = useStrings();
  const { m, mine } = props;
  if (m.event) return null;
  return (
    <li className={`message${mine ? " mine" : ""}`} data-seq={String(m.seq)}>
      <div className="message-meta">
        <span className="sender">{mine ? t.you : shortName(m.senderId)}</span>
        <time>{shortTime(Number(m.serverTime), t)}</time>
      </div>
      <div className="bubble">{m.recalled ? <em>{t.recalled}</em> : m.content?.text}</div>
    </li>
  );
}

function Composer(props: { conversationId: string }) {
  const { t } = useStrings();
  const [text, setText] = useState("");
  const [error, setError] = useState("");

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    setError("");
    try {
      await store.send(props.conversationId, body);
    } catch (err) {
      setError(`${t.sendFailed}${(err as Error).message}`);
      setText(body);
    }
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={send}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <textarea
        aria-label={t.typeMessage}
        placeholder={t.typeMessage}
        rows={2}
        maxLength={16384}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
      />
      <button type="submit">{t.send}</button>
    </form>
  );
}

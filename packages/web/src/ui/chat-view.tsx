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

/**
 * One chat: its messages (older ones load on scrolling up, keeping the view
 * still; after a jump to `focusSeq`, newer ones on scrolling down) and the
 * composer. A 1:1 chat not started yet is a draft until its first message.
 */
export function ChatView(props: { conversationId: string; focusSeq?: bigint; onBack(): void }) {
  useSyncExternalStore(store.subscribe, store.version);
  const { t } = useStrings();
  const id = props.conversationId;
  const conv = store.conversation(id);
  const draftPeer = store.drafts.get(id);
  const messages = store.messages.get(id) ?? [];
  const list = useRef<HTMLOListElement>(null);
  const anchor = useRef<{ height: number; top: number } | undefined>(undefined);
  const focusing = useRef(props.focusSeq);
  const [loading, setLoading] = useState(false);
  const lastSeq = messages[messages.length - 1]?.seq;
  const focusSeq = props.focusSeq;

  useEffect(() => {
    focusing.current = focusSeq;
    if (focusSeq !== undefined) void store.openAt(id, focusSeq);
    else void store.open(id);
  }, [id, focusSeq]);

  // New messages at the bottom: stay at the bottom. Older ones at the top: keep what was on screen
  // still. After a jump: the target in the middle.
  const count = messages.length;
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || count === 0 || lastSeq === undefined) return;
    const a = anchor.current;
    const target = focusing.current;
    if (target !== undefined) {
      const item = el.querySelector<HTMLElement>(`[data-seq="${target}"]`);
      if (item) {
        el.scrollTop = item.offsetTop - el.clientHeight / 2;
        focusing.current = undefined;
      }
    } else if (a) {
      el.scrollTop = el.scrollHeight - a.height + a.top;
      anchor.current = undefined;
    } else if (!store.behind.has(id)) {
      el.scrollTop = el.scrollHeight;
    }
  }, [id, count, lastSeq]);

  useEffect(() => {
    if (lastSeq !== undefined && document.visibilityState === "visible") void store.markRead(id);
  }, [id, lastSeq]);

  const onScroll = () => {
    const el = list.current;
    if (!el || loading) return;
    if (el.scrollTop < 80 && !store.complete.has(id)) {
      anchor.current = { height: el.scrollHeight, top: el.scrollTop };
      setLoading(true);
      void store.loadOlder(id).finally(() => setLoading(false));
    } else if (el.scrollHeight - el.scrollTop - el.clientHeight < 80 && store.behind.has(id)) {
      setLoading(true);
      void store.loadNewer(id).finally(() => setLoading(false));
    }
  };

  if (!conv && !draftPeer) return null;
  const name = conv ? title(conv) : shortName(draftPeer ?? "");
  return (
    <section className="chat" aria-label={name}>
      <header className="chat-header">
        <button type="button" className="back link" onClick={props.onBack} aria-label="←">
          ←
        </button>
        <h2>{name}</h2>
        {conv?.name && (
          <span className="hint">
            {conv.memberCount} {t.members}
          </span>
        )}
      </header>
      <ol className="messages" ref={list} onScroll={onScroll} aria-live="polite" aria-relevant="additions">
        {loading && <li className="hint">{t.loadingOlder}</li>}
        {messages.map((m) => (
          <MessageItem
            key={String(m.seq)}
            m={m}
            mine={m.senderId === store.userId}
            focused={m.seq === focusSeq}
          />
        ))}
      </ol>
      <Composer conversationId={id} />
    </section>
  );
}

function MessageItem(props: { m: Message; mine: boolean; focused: boolean }) {
  const { t } = useStrings();
  const { m, mine } = props;
  if (m.event) return null;
  return (
    <li
      className={`message${mine ? " mine" : ""}${props.focused ? " focused" : ""}`}
      data-seq={String(m.seq)}
    >
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

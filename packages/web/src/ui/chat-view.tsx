import { ConversationKind, type Message } from "@starling/sdk";
import {
  type DragEvent,
  type KeyboardEvent,
  lazy,
  Suspense,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { fill, useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { Avatar } from "./avatar.js";
import { Composer } from "./composer.js";
import { title } from "./format.js";
import { AnnouncementBanner } from "./groups/announcement-banner.js";
import { ChatFilesPanel } from "./media/chat-files-panel.js";
import { PendingItem } from "./mentions/pending-item.js";
import { PinnedBar } from "./menu/pinned-bar.js";
import { SelectionBar } from "./menu/selection-bar.js";
import { useMessageHandlers } from "./menu/use-message-handlers.js";
import { MessageItem } from "./message-item.js";
import { useMessageKeys } from "./message-keys.js";
import { PersonStatus } from "./person-status.js";
import { useFileSender } from "./use-file-sender.js";
import "./chat.css";
import "./menu/menu.css";

// Forwarding is occasional: the picker is loaded the first time it is opened.
const ForwardPicker = lazy(() =>
  import("./menu/forward-picker.js").then((m) => ({ default: m.ForwardPicker })),
);

/** Opened from the header of a group chat, not part of the first screen's code. */
const GroupPanel = lazy(() => import("./groups/group-panel.js").then((m) => ({ default: m.GroupPanel })));

/**
 * One chat: its messages (older ones load on scrolling up, keeping the view
 * still; after a jump to `focusSeq`, newer ones on scrolling down) and the
 * composer. A 1:1 chat not started yet is a draft until its first message.
 * Each message's menu replies, quotes, copies, forwards, selects, pins,
 * saves and deletes for me; multi-select swaps the composer for its bar.
 */
export function ChatView(props: {
  conversationId: string;
  focusSeq?: bigint;
  /** The back button (on a phone) or Escape: leave the chat for where it was opened from. */
  onBack(): void;
  /** Opens this chat at a message (from its file list). */
  onJump(seq: bigint): void;
}) {
  // The messages below read names and group receipts through this component.
  const { conversations, windows, people, typing, receipts, outbox, selection, extras } = useChat(
    "conversations",
    "windows",
    "people",
    "typing",
    "receipts",
    "outbox",
    "selection",
    "extras",
  );
  const { t } = useStrings();
  const id = props.conversationId;
  const conv = conversations.get(id);
  const draftPeer = conversations.drafts.get(id);
  const messages = windows.messages(id);
  const list = useRef<HTMLOListElement>(null);
  // The message at the top of the view and its distance from the top, kept in place while pages come and go.
  const anchor = useRef<{ seq: string; offset: number } | undefined>(undefined);
  const focusing = useRef(props.focusSeq);
  const [loading, setLoading] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [replyTo, setReplyTo] = useState<Message | undefined>(undefined);
  const [panelOpen, setPanelOpen] = useState(false);
  const infoButton = useRef<HTMLButtonElement>(null);
  // Focus goes back to the header's button once the dialog is gone (while it is open, the rest is inert).
  const panelWasOpen = useRef(false);
  useEffect(() => {
    if (panelWasOpen.current && !panelOpen) infoButton.current?.focus();
    panelWasOpen.current = panelOpen;
  }, [panelOpen]);
  const [showFiles, setShowFiles] = useState(false);
  const filesButton = useRef<HTMLButtonElement>(null);
  const [insert, setInsert] = useState<{ text: string; n: number } | undefined>(undefined);
  const [picking, setPicking] = useState<{ messages: Message[]; merged: boolean } | undefined>(undefined);
  const [notice, setNotice] = useState<{ text: string; alert: boolean } | undefined>(undefined);
  const [highlight, setHighlight] = useState(props.focusSeq);
  const handlers = useMessageHandlers(props.conversationId, {
    replyTo: (r) => {
      setEditing(undefined);
      setReplyTo(r);
    },
    insert: (text) => setInsert({ text, n: (insert?.n ?? 0) + 1 }),
    forward: (messages, merged) => setPicking({ messages, merged }),
    notice: (text, alert = false) => setNotice({ text, alert }),
  });
  const [editing, setEditing] = useState<Message | undefined>(undefined);
  const sender = useFileSender(id, t.sendFailed);
  const lastSeq = messages[messages.length - 1]?.seq;
  const unsent = outbox.pending(id);
  const focusSeq = props.focusSeq;
  const shown = conv !== undefined || draftPeer !== undefined;
  useMessageKeys(list, shown);

  useEffect(() => {
    focusing.current = focusSeq;
    if (focusSeq !== undefined) void windows.openAt(id, focusSeq);
    else void windows.open(id);
  }, [id, focusSeq, windows]);

  // New messages at the bottom: stay at the bottom. Older ones at the top: keep what was on screen
  // still. After a jump: the target in the middle.
  const count = messages.length + unsent.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new last seq (an ack replacing its unsent copy) scrolls too
  useLayoutEffect(() => {
    const el = list.current;
    if (!el || count === 0) return;
    const a = anchor.current;
    const target = focusing.current;
    if (target !== undefined) {
      const item = el.querySelector<HTMLElement>(`[data-seq="${target}"]`);
      if (item) {
        el.scrollTop = item.offsetTop - el.clientHeight / 2;
        focusing.current = undefined;
      }
    } else if (a) {
      const item = el.querySelector<HTMLElement>(`[data-seq="${a.seq}"]`);
      if (item) el.scrollTop = item.offsetTop - a.offset;
      anchor.current = undefined;
    } else if (!windows.behind(id)) {
      el.scrollTop = el.scrollHeight;
    }
  }, [id, count, lastSeq, windows]);

  // A selection belongs to its chat: leaving the chat ends it.
  useEffect(() => () => selection.cancel(), [selection]);

  useEffect(() => {
    if (lastSeq !== undefined && document.visibilityState === "visible") void receipts.markRead(id);
  }, [id, lastSeq, receipts]);

  const keepInPlace = (el: HTMLElement) => {
    const items = el.querySelectorAll<HTMLElement>("[data-seq]");
    const top = [...items].find((i) => i.offsetTop + i.offsetHeight > el.scrollTop);
    anchor.current = top ? { seq: top.dataset.seq ?? "", offset: top.offsetTop - el.scrollTop } : undefined;
  };
  const onScroll = () => {
    const el = list.current;
    if (!el || loading) return;
    if (el.scrollTop < 80 && !windows.complete(id)) {
      keepInPlace(el);
      setLoading(true);
      void windows.loadOlder(id).finally(() => setLoading(false));
    } else if (el.scrollHeight - el.scrollTop - el.clientHeight < 80 && windows.behind(id)) {
      keepInPlace(el);
      setLoading(true);
      void windows.loadNewer(id).finally(() => setLoading(false));
    }
  };

  /** Shows a message of this chat: scrolled to if loaded, else loaded around it first. */
  const jumpTo = (seq: bigint) => {
    setHighlight(seq);
    const item = list.current?.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    if (item) {
      item.scrollIntoView({ block: "center" });
      item.focus({ preventScroll: true });
      return;
    }
    focusing.current = seq;
    void windows.openAt(id, seq);
  };

  if (!shown) return null;
  const nameOf = people.displayName;
  const name = conv ? title(conv, nameOf) : nameOf(draftPeer ?? "");
  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  const typists = typing.typingIn(id);
  const selecting = selection.active === id;
  const visible = messages.filter((m) => !extras.isHidden(m));
  const chosen = () => selection.chosen().flatMap((seq) => bySeq.get(seq) ?? []);
  const onDrop = (e: DragEvent<HTMLElement>) => {
    e.preventDefault();
    setDragging(false);
    const files = [...e.dataTransfer.files];
    if (files.length > 0) void sender.sendFiles(files);
  };
  // Escape that nothing inside took (a menu, the mention list, a picture's dialog) leaves the chat.
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== "Escape" || e.defaultPrevented || e.nativeEvent.isComposing) return;
    if ((e.target as HTMLElement).closest("dialog")) return;
    e.preventDefault();
    props.onBack();
  };
  return (
    <section
      className={`chat${dragging ? " dragging" : ""}`}
      aria-label={name}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      onKeyDown={onKeyDown}
    >
      {dragging && <div className="drop-hint">{t.dropHere}</div>}
      <header className="chat-header">
        <button type="button" className="back link" onClick={props.onBack} aria-label={t.back}>
          <span aria-hidden="true">←</span>
        </button>
        {conv?.kind === ConversationKind.GROUP && (
          <Avatar label={name} {...(conv.avatar ? { picture: conv.avatar } : {})} />
        )}
        <h2>{name}</h2>
        {conv && !conv.name && conv.peerId && <PersonStatus userId={conv.peerId} />}
        {!conv && draftPeer && <PersonStatus userId={draftPeer} />}
        {conv?.name && (
          <span className="hint">
            {conv.memberCount} {t.members}
          </span>
        )}
      </header>
      {/* One grid row for what stands above the messages: the group's announcement, the pins. */}
      <div className="chat-bars">
        {conv?.kind === ConversationKind.GROUP && <AnnouncementBanner conv={conv} />}
        {conv && <PinnedBar conversationId={id} onJump={jumpTo} />}
      </div>
      {panelOpen && conv && (
        <Suspense fallback={null}>
          <GroupPanel conversationId={id} onClose={() => setPanelOpen(false)} />
        </Suspense>
      )}
      {showFiles && conv && (
        <ChatFilesPanel
          conversationId={id}
          lastFileSeq={messages.findLast((m) => (m.content?.attachments.length ?? 0) > 0)?.seq}
          onJump={props.onJump}
          onClose={() => {
            setShowFiles(false);
            filesButton.current?.focus();
          }}
        />
      )}
      {loading && (
        <p className="loading-more hint" role="status">
          {t.loadingOlder}
        </p>
      )}
      <ol
        className="messages"
        id="message-list"
        ref={list}
        onScroll={onScroll}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and is its messages' one Tab stop (message-keys.ts)
        tabIndex={0}
        aria-label={t.messageList}
        aria-live="polite"
        aria-relevant="additions"
      >
        {visible.map((m) => (
          <MessageItem
            key={String(m.seq)}
            conv={conv}
            m={m}
            quoted={m.content?.replyToSeq ? windows.quoted(id, m.content.replyToSeq) : undefined}
            focused={m.seq === highlight}
            handlers={handlers}
            selecting={selecting}
            selected={selecting && selection.has(m.seq)}
            onToggle={(seq) => selection.toggle(seq)}
            onJump={jumpTo}
            onEdit={(e) => {
              setReplyTo(undefined);
              setEditing(e);
            }}
          />
        ))}
        {unsent.map((item) => (
          <PendingItem key={item.clientMsgId} item={item} />
        ))}
      </ol>
      <p className="typing hint" aria-live="polite">
        {typists.length > 0 && `${typists.map(nameOf).join(", ")} ${t.typingOne}`}
      </p>
      {notice && (
        <p
          className={notice.alert ? "error notice-line" : "hint notice-line"}
          role={notice.alert ? "alert" : "status"}
        >
          {notice.text}
        </p>
      )}
      {selecting ? (
        <SelectionBar
          onForward={(merged) => setPicking({ messages: chosen(), merged })}
          onDelete={() => {
            const seqs = selection.chosen();
            selection.cancel();
            void extras
              .hide(id, seqs)
              .catch((e: Error) => setNotice({ text: `${t.menuFailed}${e.message}`, alert: true }));
          }}
        />
      ) : (
        <Composer
          conversationId={id}
          replyTo={replyTo}
          onReplied={() => setReplyTo(undefined)}
          editing={editing}
          onEdited={() => setEditing(undefined)}
          sender={sender}
          insert={insert}
        />
      )}
      {picking && (
        <Suspense fallback={null}>
          <ForwardPicker
            conversationId={id}
            messages={picking.messages}
            merged={picking.merged}
            onClose={() => setPicking(undefined)}
            onDone={(r) => {
              selection.cancel();
              setNotice({
                text: `${t.forwardDone} (${fill(t.forwardChosen, { count: r.sent.length })})`,
                alert: false,
              });
            }}
          />
        </Suspense>
      )}
      {/* After the composer in the Tab order, shown in the header row: the composer is what a
          chat is opened for, and two Tabs from the chat list reach it. */}
      {conv && (
        <span className="chat-prefs">
          {conv.kind === ConversationKind.GROUP && (
            <button
              type="button"
              className="link"
              ref={infoButton}
              aria-haspopup="dialog"
              aria-expanded={panelOpen}
              onClick={() => setPanelOpen(true)}
            >
              {t.grInfo}
            </button>
          )}
          <button
            type="button"
            className="link"
            aria-pressed={conv.pinnedAt > 0n}
            onClick={() => void conversations.setPrefs(id, { pinned: conv.pinnedAt === 0n })}
          >
            {conv.pinnedAt > 0n ? t.unpin : t.pin}
          </button>
          <button
            ref={filesButton}
            type="button"
            className="link"
            aria-expanded={showFiles}
            onClick={() => setShowFiles(!showFiles)}
          >
            {t.chatFiles}
          </button>
          <button
            type="button"
            className="link"
            aria-pressed={conv.muted}
            onClick={() => void conversations.setPrefs(id, { muted: !conv.muted })}
          >
            {conv.muted ? t.unmute : t.mute}
          </button>
        </span>
      )}
    </section>
  );
}

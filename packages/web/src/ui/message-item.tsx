import { type Conversation, ConversationKind, type Message } from "@starling/sdk";
import { type KeyboardEvent, type MouseEvent, useRef, useState } from "react";
import { type Strings, useStrings } from "../i18n.js";
import { parseForward } from "../stores/forward.js";
import { useChat } from "../use-chat.js";
import { AttachmentView } from "./attachment-view.js";
import { useCanEdit } from "./edit-action.js";
import { shortTime } from "./format.js";
import { eventText } from "./groups/event-text.js";
import { type MessageHandlers, messageMenuActions } from "./menu/actions.js";
import { ForwardCard } from "./menu/forward-card.js";
import { MessageMenu, useLongPress } from "./message-menu.js";
import { contentSummary } from "./plain-text.js";
import { ReactAction, ReactionBar } from "./reactions.js";
import { recallErrorText } from "./recall-errors.js";
import { RichText } from "./rich-text.js";

/** Where one of my messages stands: sent, delivered or read (1:1), or how many have read it (groups). */
function Receipt(props: { conv: Conversation; m: Message; t: Strings }) {
  const { conv, m, t } = props;
  const { receipts, people } = useChat();
  const [open, setOpen] = useState(false);
  if (conv.kind === ConversationKind.DIRECT) {
    const state = conv.peerReadSeq >= m.seq ? t.read : conv.peerDeliveredSeq >= m.seq ? t.delivered : t.sent;
    return (
      <span className="receipt" data-testid="receipt">
        {state}
      </span>
    );
  }
  const members = receipts.groupMembers(conv.id);
  if (!members) return null;
  const readers = members.filter((x) => x.userId !== m.senderId && x.readSeq >= m.seq);
  return (
    <div className="receipt">
      <button
        type="button"
        className="link"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        data-testid="receipt"
      >
        {readers.length} {t.readBy}
      </button>
      {open && (
        <ul className="readers" aria-label={t.readers}>
          {readers.map((r) => (
            <li key={r.userId}>{people.displayName(r.userId)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The quoted message a reply answers: a button that jumps to it (named once it is fetched). */
function Quoted(props: { seq: bigint; quoted: Message | undefined; onJump(seq: bigint): void }) {
  const { t } = useStrings();
  const { people } = useChat();
  const q = props.quoted;
  return (
    <button
      type="button"
      className="quote"
      title={t.jumpToQuoted}
      data-testid="quoted"
      onClick={() => props.onJump(props.seq)}
    >
      {q
        ? `${people.displayName(q.senderId)}: ${q.recalled || !q.content ? t.recalled : contentSummary(q.content)}`
        : t.quotedMessage}
    </button>
  );
}

/**
 * One message: sender, time, the quoted message it answers, text and
 * attachments (or a merged forward's card), receipts, and its menu, opened
 * by the ⋯ button (shown on hover and focus), a right click, a long press on
 * a touch screen, or the context-menu key / Shift+F10 on the focused message.
 * In multi-select a tick box replaces the menu.
 */
export function MessageItem(props: {
  conv: Conversation | undefined;
  m: Message;
  quoted: Message | undefined;
  focused: boolean;
  handlers: MessageHandlers;
  selecting: boolean;
  selected: boolean;
  onToggle(seq: bigint): void;
  onJump(seq: bigint): void;
  onEdit(m: Message): void;
}) {
  const { t } = useStrings();
  const { m, conv } = props;
  const { session, windows, people, extras } = useChat();
  const [error, setError] = useState("");
  const [menuOpen, setMenuOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const longPress = useLongPress(() => {
    if (!props.selecting) setMenuOpen(true);
  });
  const mine = m.senderId === session.userId;
  const canEdit = useCanEdit(m, mine, session.editWindowMs);
  if (m.event) {
    const text = eventText(m.event, session.userId, people.displayName, t);
    return text ? (
      <li className="system-line" data-seq={String(m.seq)} data-event={m.event.kind.case}>
        <span>{text}</span>
      </li>
    ) : null;
  }
  const content = m.content;
  const live = !m.recalled && content !== undefined;
  const forward = live ? parseForward(m) : undefined;
  const sender = mine ? t.you : people.displayName(m.senderId);
  const actions = live
    ? messageMenuActions(m, {
        t,
        extras,
        handlers: props.handlers,
        ...(canEdit ? { edit: () => props.onEdit(m) } : {}),
        ...(mine
          ? {
              recall: () =>
                void windows
                  .recall(m.conversationId, m.seq)
                  .catch((e: unknown) => setError(recallErrorText(e, t))),
            }
          : {}),
      })
    : [];
  const onKey = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget || !live) return;
    if (props.selecting && (e.key === " " || e.key === "Enter")) {
      e.preventDefault();
      props.onToggle(m.seq);
    } else if (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey) || e.key === "Enter") {
      e.preventDefault();
      setMenuOpen(true);
    }
  };
  const onContextMenu = (e: MouseEvent) => {
    if (!live || props.selecting) return;
    e.preventDefault();
    setMenuOpen(true);
  };
  return (
    <li
      className={`message${mine ? " mine" : ""}${props.focused ? " focused" : ""}${props.selected ? " selected" : ""}`}
      data-seq={String(m.seq)}
      onKeyDown={onKey}
      onContextMenu={onContextMenu}
      onClick={(e) => {
        // In multi-select a click anywhere on the message ticks it (the box handles its own clicks).
        if (props.selecting && live && !(e.target instanceof HTMLInputElement)) props.onToggle(m.seq);
      }}
      {...(live && !props.selecting ? longPress : {})}
    >
      {props.selecting && live && (
        <input
          type="checkbox"
          className="select-box"
          aria-label={`${t.selectMessage}: ${sender}`}
          checked={props.selected}
          onChange={() => props.onToggle(m.seq)}
        />
      )}
      <div className="message-meta">
        <span className="sender">{sender}</span>
        <time>{shortTime(Number(m.serverTime), t)}</time>
        {m.editedAt > 0n && !m.recalled && (
          <span
            className="edited"
            title={t.editedAt.replace("{time}", new Date(Number(m.editedAt)).toLocaleString())}
          >
            {t.edited}
          </span>
        )}
      </div>
      <div className="bubble">
        {content?.replyToSeq ? (
          <Quoted seq={content.replyToSeq} quoted={props.quoted} onJump={props.onJump} />
        ) : null}
        {!live ? (
          <em>{t.recalled}</em>
        ) : forward ? (
          <ForwardCard body={forward} conversationId={m.conversationId} />
        ) : (
          <>
            {content.text && <RichText text={content.text} mentions={content.mentions} />}
            {content.attachments.map((a) => (
              <AttachmentView key={a.fileId} a={a} conversationId={m.conversationId} />
            ))}
          </>
        )}
      </div>
      {live && <ReactionBar m={m} onError={setError} />}
      {live && (
        <div className="message-actions">
          {mine && conv && <Receipt conv={conv} m={m} t={t} />}
          {!props.selecting && <ReactAction m={m} onError={setError} />}
          {!props.selecting && (
            <MessageMenu
              actions={actions}
              open={menuOpen}
              onOpenChange={setMenuOpen}
              subject={`${sender} ${(content.text || forward?.title || "").slice(0, 40)}`}
              buttonRef={button}
            />
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}

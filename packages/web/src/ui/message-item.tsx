import { type Conversation, ConversationKind, type Message } from "@starling/sdk";
import { useState } from "react";
import { type Strings, useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { AttachmentView } from "./attachment-view.js";
import { shortTime } from "./format.js";
import { eventText } from "./groups/event-text.js";
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

/** One message: sender, time, the quoted message it answers, text and attachments, receipts, actions. */
export function MessageItem(props: {
  conv: Conversation | undefined;
  m: Message;
  quoted: Message | undefined;
  focused: boolean;
  onReply(m: Message): void;
}) {
  const { t } = useStrings();
  const { m, conv } = props;
  const { session, windows, people } = useChat();
  const [error, setError] = useState("");
  if (m.event) {
    const text = eventText(m.event, session.userId, people.displayName, t);
    return text ? (
      <li className="system-line" data-seq={String(m.seq)} data-event={m.event.kind.case}>
        <span>{text}</span>
      </li>
    ) : null;
  }
  const mine = m.senderId === session.userId;
  const content = m.content;
  return (
    <li
      className={`message${mine ? " mine" : ""}${props.focused ? " focused" : ""}`}
      data-seq={String(m.seq)}
    >
      <div className="message-meta">
        <span className="sender">{mine ? t.you : people.displayName(m.senderId)}</span>
        <time>{shortTime(Number(m.serverTime), t)}</time>
      </div>
      <div className="bubble">
        {props.quoted && (
          <blockquote className="quote">
            {people.displayName(props.quoted.senderId)}: {props.quoted.content?.text ?? t.recalled}
          </blockquote>
        )}
        {m.recalled || !content ? (
          <em>{t.recalled}</em>
        ) : (
          <>
            {content.text && <RichText text={content.text} mentions={content.mentions} />}
            {content.attachments.map((a) => (
              <AttachmentView key={a.fileId} a={a} conversationId={m.conversationId} />
            ))}
          </>
        )}
      </div>
      {!m.recalled && content && (
        <div className="message-actions">
          {mine && conv && <Receipt conv={conv} m={m} t={t} />}
          <button type="button" className="link" onClick={() => props.onReply(m)}>
            {t.reply}
          </button>
          {mine && (
            <button
              type="button"
              className="link"
              onClick={() =>
                void windows
                  .recall(m.conversationId, m.seq)
                  .catch((e: unknown) => setError(recallErrorText(e, t)))
              }
            >
              {t.recall}
            </button>
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

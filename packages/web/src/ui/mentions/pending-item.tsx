import { useStrings } from "../../i18n.js";
import type { Outgoing } from "../../stores/outbox.js";
import { useChat } from "../../use-chat.js";
import { RichText } from "../rich-text.js";

/** The "waiting" clock, drawn rather than an emoji, which not every system has a font for. */
function Clock() {
  return (
    <svg className="pending-clock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

/**
 * One of my messages not acknowledged yet, below the stored ones: a clock
 * while it waits for the connection, "sending…" on the wire, "not sent" with
 * the reason once refused. Cancel while it was never transmitted (it is then
 * never stored); retry or discard once refused.
 */
export function PendingItem(props: { item: Outgoing }) {
  const { t } = useStrings();
  const { outbox } = useChat();
  const { item } = props;
  const label =
    item.state === "failed" ? t.outboxFailed : item.state === "sending" ? t.outboxSending : t.outboxQueued;
  const files = item.input.attachments?.length ?? 0;
  return (
    <li className={`message mine pending ${item.state}`} data-client-msg-id={item.clientMsgId}>
      <div className="bubble">
        {item.input.text && <RichText text={item.input.text} mentions={item.input.mentions ?? []} />}
        {files > 0 && <span className="hint">📎 {files}</span>}
      </div>
      <div className="message-actions" data-testid="pending-state">
        <span className="pending-state" role={item.state === "failed" ? "alert" : undefined}>
          {item.state === "failed" ? <span aria-hidden="true">!</span> : <Clock />} {label}
          {item.error ? `: ${item.error}` : ""}
        </span>
        {item.state === "failed" && (
          <button type="button" className="link" onClick={() => outbox.retry(item.clientMsgId)}>
            {t.outboxRetry}
          </button>
        )}
        {(item.state === "failed" || item.cancellable) && (
          <button type="button" className="link" onClick={() => outbox.cancel(item.clientMsgId)}>
            {item.state === "failed" ? t.outboxDiscard : t.outboxCancel}
          </button>
        )}
      </div>
    </li>
  );
}

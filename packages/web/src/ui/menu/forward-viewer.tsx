import { type Attachment, AttachmentSchema, create } from "@starling/sdk";
import { useEffect, useRef, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import type { ForwardBody, ForwardedFile } from "../../stores/forward.js";
import { AttachmentView } from "../attachment-view.js";
import { shortTime } from "../format.js";
import { RichText } from "../rich-text.js";

/** Forwarded items keep their text, not whom it mentioned. */
const NO_MENTIONS: never[] = [];

/** A forwarded file as the attachment view takes it (the file itself is fetched by id). */
const asAttachment = (f: ForwardedFile): Attachment =>
  create(AttachmentSchema, {
    fileId: f.fileId,
    kind: f.kind,
    name: f.name,
    mime: f.mime,
    size: BigInt(f.size),
    hasThumbnail: f.hasThumbnail,
  });

/**
 * The messages of a merged forward in a modal dialog: each with its
 * sender's name, time, text and files; a forward inside it opens in place.
 * Escape or the button closes it.
 */
export function ForwardViewer(props: { body: ForwardBody; conversationId: string; onClose(): void }) {
  const { t } = useStrings();
  const ref = useRef<HTMLDialogElement>(null);
  const [stack, setStack] = useState<ForwardBody[]>([props.body]);
  const body = stack[stack.length - 1] ?? props.body;
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="forward-viewer" aria-label={body.title} onClose={props.onClose}>
      <header>
        {stack.length > 1 && (
          <button type="button" className="link" onClick={() => setStack(stack.slice(0, -1))} aria-label="←">
            ←
          </button>
        )}
        <h3>{body.title}</h3>
        <button type="button" className="link" onClick={() => ref.current?.close()}>
          {t.close}
        </button>
      </header>
      {body.items.length === 0 ? (
        <p className="empty">{t.historyEmpty}</p>
      ) : (
        <ol className="forward-items">
          {body.items.map((i, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the items of a sent message never change
            <li key={n} className="forward-item">
              <div className="message-meta">
                <span className="sender">{i.sender}</span>
                <time>{shortTime(i.time, t)}</time>
              </div>
              {i.forward ? (
                <button
                  type="button"
                  className="forward-open"
                  onClick={() => i.forward && setStack([...stack, i.forward])}
                >
                  <strong>{i.forward.title}</strong>
                  <span className="hint">{fill(t.historyItems, { count: i.forward.items.length })}</span>
                </button>
              ) : (
                i.text && <RichText text={i.text} mentions={NO_MENTIONS} />
              )}
              {i.files.map((f) => (
                <AttachmentView key={f.fileId} a={asAttachment(f)} conversationId={props.conversationId} />
              ))}
            </li>
          ))}
        </ol>
      )}
    </dialog>
  );
}

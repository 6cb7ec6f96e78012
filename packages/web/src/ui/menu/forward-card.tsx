import { lazy, Suspense, useState } from "react";
import { fill, useStrings } from "../../i18n.js";
import type { ForwardBody } from "../../stores/forward.js";
import { plainText } from "../plain-text.js";

// The list of a merged forward is read far less often than chats are opened: loaded when first opened.
const ForwardViewer = lazy(() => import("./forward-viewer.js").then((m) => ({ default: m.ForwardViewer })));

/** Items shown on the card itself, the way the other messengers show a chat history. */
const PREVIEW_ITEMS = 3;

/** A merged forward in the chat: its title, its first lines, and a button that opens the whole list. */
/** `conversationId`: the chat the card is in, whose pictures the image viewer steps through. */
export function ForwardCard(props: { body: ForwardBody; conversationId: string }) {
  const { t } = useStrings();
  const [open, setOpen] = useState(false);
  const { body } = props;
  return (
    <div className="forward-card" data-testid="forward-card">
      <button type="button" className="forward-open" title={t.historyOpen} onClick={() => setOpen(true)}>
        <strong className="forward-title">{body.title}</strong>
        <span className="forward-lines">
          {body.items.slice(0, PREVIEW_ITEMS).map((i, n) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the items of a sent message never change
            <span key={n} className="forward-line">
              {i.sender}: {plainText(i.text) || fill(t.attachmentCount, { count: i.files.length })}
            </span>
          ))}
        </span>
        <span className="hint">{fill(t.historyItems, { count: body.items.length })}</span>
      </button>
      {open && (
        <Suspense fallback={null}>
          <ForwardViewer body={body} conversationId={props.conversationId} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

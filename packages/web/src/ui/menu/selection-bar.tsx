import { fill, useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";

/** Multi-select's bar, in place of the composer: how many are ticked, forward (each or merged), delete for me, cancel. */
export function SelectionBar(props: { onForward(merged: boolean): void; onDelete(): void }) {
  const { t } = useStrings();
  const { selection, extras } = useChat("selection");
  const none = selection.size === 0;
  return (
    <section className="selection-bar" aria-label={t.menuSelect}>
      <span role="status">{fill(t.selectedCount, { count: selection.size })}</span>
      <button type="button" disabled={none} onClick={() => props.onForward(false)}>
        {t.selectForwardEach}
      </button>
      <button type="button" disabled={none} onClick={() => props.onForward(true)}>
        {t.selectForwardMerged}
      </button>
      {extras.can.hide && (
        <button type="button" className="danger" disabled={none} onClick={props.onDelete}>
          {t.selectDelete}
        </button>
      )}
      <button type="button" className="link" onClick={() => selection.cancel()}>
        {t.selectCancel}
      </button>
    </section>
  );
}

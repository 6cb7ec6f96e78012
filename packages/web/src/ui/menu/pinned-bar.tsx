import { useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { contentSummary } from "../plain-text.js";

/**
 * The chat's pinned messages, above its messages: the newest pin shown,
 * the others a click away; clicking one jumps to it, and each can be unpinned.
 */
export function PinnedBar(props: { conversationId: string; onJump(seq: bigint): void }) {
  const { t } = useStrings();
  const { extras, windows, people } = useChat("extras", "windows");
  const [expanded, setExpanded] = useState(false);
  const [error, setError] = useState("");
  const id = props.conversationId;
  if (!extras.can.pin) return null;
  const seqs = extras.pinnedSeqs(id);
  if (seqs.length === 0) return null;
  const loaded = new Map(windows.messages(id).map((m) => [m.seq, m]));
  const label = (seq: bigint) => {
    const m = loaded.get(seq);
    return m
      ? `${people.displayName(m.senderId)}: ${m.content ? contentSummary(m.content) : t.recalled}`
      : `#${seq}`;
  };
  const shown = expanded ? seqs : seqs.slice(0, 1);
  return (
    <section className="pinned-bar" aria-label={t.pinnedMessages}>
      <ul>
        {shown.map((seq) => (
          <li key={String(seq)}>
            <button
              type="button"
              className="link pinned-jump"
              aria-label={`${t.pinnedJump}: ${label(seq)}`}
              onClick={() => props.onJump(seq)}
            >
              <span aria-hidden="true">📌</span> {label(seq)}
            </button>
            <button
              type="button"
              className="link"
              onClick={() =>
                void extras.pin(id, seq, false).catch((e: Error) => setError(`${t.menuFailed}${e.message}`))
              }
            >
              {t.menuUnpin}
            </button>
          </li>
        ))}
      </ul>
      {seqs.length > 1 && (
        <button
          type="button"
          className="link"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          {t.pinnedMessages} ({seqs.length})
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

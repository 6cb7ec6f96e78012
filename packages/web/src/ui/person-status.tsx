import { useEffect, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";

/** Daily do-not-disturb hours start and end on the minute: look again once a minute. */
const RECHECK_MS = 60_000;

/**
 * A colleague's status message and, while it holds, their do-not-disturb mark, shown next to
 * their name. Whether it holds is the protocol's rule on this device's clock, so every viewer
 * agrees with the server without asking it.
 */
export function PersonStatus(props: { userId: string }) {
  const { people } = useChat("people");
  const { t } = useStrings();
  const [now, setNow] = useState(() => Date.now());
  const dnd = people.dndOf(props.userId);
  useEffect(() => {
    if (!dnd) return;
    const timer = setInterval(() => setNow(Date.now()), RECHECK_MS);
    return () => clearInterval(timer);
  }, [dnd]);
  const text = people.statusText(props.userId);
  const quiet = people.inDnd(props.userId, now);
  if (!text && !quiet) return null;
  return (
    <span className="person-status" data-testid="person-status">
      {quiet && (
        <span className="dnd-mark" title={t.dndMark} data-testid="dnd-mark">
          <span aria-hidden="true">☾ </span>
          {t.dndMark}
        </span>
      )}
      {text && <span className="status-text">{text}</span>}
    </span>
  );
}

import type { Conversation } from "@starling/sdk";
import { useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";

/**
 * The group's announcement on top of the chat, until the user dismisses it;
 * a newer announcement (another time it was set) shows again. Dismissal is
 * the user's, on all their devices (a conversation setting of theirs).
 */
export function AnnouncementBanner(props: { conv: Conversation }) {
  const { t } = useStrings();
  const { conversations, people } = useChat("people");
  const c = props.conv;
  // Hidden at once on a click, before the server's answer comes back.
  const [dismissing, setDismissing] = useState(0n);
  const at = c.announcementAt;
  if (!c.announcement || c.announcementSeenAt >= at || dismissing === at) return null;
  return (
    <section className="announcement-banner" aria-label={t.grAnnouncement} data-testid="announcement-banner">
      <div>
        <strong>{t.grAnnouncement}</strong>
        <span className="by"> · {people.displayName(c.announcementBy)}</span>
        <p className="announcement-text">{c.announcement}</p>
      </div>
      <button
        type="button"
        className="link"
        aria-label={t.grDismiss}
        onClick={() => {
          setDismissing(at);
          // Offline or refused: it shows again on the next visit, which is the safe side.
          conversations.setPrefs(c.id, { announcementSeenAt: at }).catch(() => setDismissing(0n));
        }}
      >
        ×
      </button>
    </section>
  );
}

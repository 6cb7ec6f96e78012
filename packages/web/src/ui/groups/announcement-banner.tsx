import type { Conversation } from "@starling/sdk";
import { useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";

const key = (userId: string, conversationId: string) => `starling.announcement.${userId}.${conversationId}`;

/** Which announcement (by when it was set) the user dismissed in this browser. */
function dismissedAt(userId: string, conversationId: string): string {
  try {
    return globalThis.localStorage?.getItem(key(userId, conversationId)) ?? "";
  } catch {
    return "";
  }
}

/**
 * The group's announcement on top of the chat, until the user dismisses it;
 * a newer announcement (another time it was set) shows again. Dismissal is
 * kept in this browser only.
 */
export function AnnouncementBanner(props: { conv: Conversation }) {
  const { t } = useStrings();
  const { session, people } = useChat("people");
  const c = props.conv;
  const at = String(c.announcementAt);
  const [dismissed, setDismissed] = useState(() => dismissedAt(session.userId, c.id));
  if (!c.announcement || dismissed === at) return null;
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
          try {
            localStorage.setItem(key(session.userId, c.id), at);
          } catch {
            // Storage refused (private mode): dismissed for this view only.
          }
          setDismissed(at);
        }}
      >
        ×
      </button>
    </section>
  );
}

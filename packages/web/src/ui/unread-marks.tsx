import { useEffect } from "react";
import { setAppBadge } from "../app-badge.js";
import { useStrings } from "../i18n.js";
import { badgeText, faviconUrl, pageTitle } from "../stores/unread.js";
import { useChat } from "../use-chat.js";

/** The favicon's <link>, added on first use. */
function iconLink(): HTMLLinkElement {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement("link");
    link.rel = "icon";
    link.type = "image/svg+xml";
    document.head.append(link);
  }
  return link;
}

/** The chat being read: the open one while the page is visible (the chat view marks it read then). */
function reading(open: string | undefined): string | undefined {
  return document.visibilityState === "visible" ? open : undefined;
}

/** Keeps the page title, the favicon and the installed app's badge showing the unread total while signed in. */
export function UnreadMarks({ open }: { open?: string | undefined }) {
  const { conversations } = useChat("conversations");
  const { t } = useStrings();
  const count = conversations.unreadTotal(reading(open));
  useEffect(() => {
    document.title = pageTitle(count, t.appName);
    iconLink().href = faviconUrl(count);
    void setAppBadge(navigator, count);
  }, [count, t.appName]);
  useEffect(
    () => () => {
      document.title = t.appName;
      iconLink().href = faviconUrl(0);
      void setAppBadge(navigator, 0);
    },
    [t.appName],
  );
  return null;
}

/** The unread total on the chats tab. */
export function UnreadBadge({ open }: { open?: string | undefined }) {
  const { conversations } = useChat("conversations");
  const { t } = useStrings();
  const count = conversations.unreadTotal(reading(open));
  if (count === 0) return null;
  return (
    <span className="badge tab-badge" data-testid="unread-total">
      <span aria-hidden="true">{badgeText(count)}</span>
      <span className="sr-only">
        {" "}
        {count} {t.unread}
      </span>
    </span>
  );
}

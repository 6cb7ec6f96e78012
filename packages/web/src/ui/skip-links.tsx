import type { MouseEvent } from "react";
import { useStrings } from "../i18n.js";

/**
 * The first stops of the Tab order, shown only when focused: straight to the
 * message box or the messages of the open chat, or to the chat list when no
 * chat is open, past the header, the tabs and the list.
 */
export function SkipLinks(props: { chatOpen: boolean }) {
  const { t } = useStrings();
  const jump = (e: MouseEvent<HTMLAnchorElement>, selector: string) => {
    const target = document.querySelector<HTMLElement>(selector);
    if (!target) return;
    e.preventDefault();
    target.focus();
  };
  const link = (href: string, selector: string, label: string) => (
    <a key={href} className="skip-link" href={href} onClick={(e) => jump(e, selector)}>
      {label}
    </a>
  );
  return (
    <nav className="skip-links" aria-label={t.skipLinks}>
      {props.chatOpen
        ? [
            link("#composer-input", "#composer-input", t.skipToComposer),
            link("#message-list", "#message-list", t.skipToMessages),
          ]
        : // The list's one Tab stop, not the list itself, takes the focus.
          link("#conversation-list", "#conversation-list [tabindex='0']", t.skipToList)}
    </nav>
  );
}

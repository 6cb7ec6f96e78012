import { useState, useSyncExternalStore } from "react";
import { store } from "../chat-store.js";
import { useStrings } from "../i18n.js";
import { ChatView } from "./chat-view.js";
import { ConversationList } from "./conversation-list.js";
import { LanguageSwitch } from "./language-switch.js";

/** The signed-in screen: the chat list beside the open chat (one at a time on a phone). */
export function Workspace() {
  useSyncExternalStore(store.subscribe, store.version);
  const { t } = useStrings();
  const [open, setOpen] = useState<string | undefined>(undefined);
  const offline = store.phase === "reconnecting" || store.phase === "connecting";

  return (
    <div className={`workspace${open ? " has-open" : ""}`}>
      {offline && (
        <div className="banner" role="status">
          {t.reconnecting}
        </div>
      )}
      <aside className="sidebar" aria-label={t.conversations}>
        <header className="me">
          <span className="avatar" aria-hidden="true">
            {store.userId.slice(0, 1).toUpperCase()}
          </span>
          <span className="me-name" data-testid="me">
            {store.userId}
          </span>
          <LanguageSwitch />
          <button type="button" className="link" onClick={() => void store.logout()}>
            {t.signOut}
          </button>
        </header>
        <ConversationList selected={open} onSelect={setOpen} />
      </aside>
      <main className="chat-pane">
        {open ? (
          <ChatView key={open} conversationId={open} onBack={() => setOpen(undefined)} />
        ) : (
          <p className="empty">{t.pickConversation}</p>
        )}
      </main>
    </div>
  );
}

import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { Avatar } from "./avatar.js";
import { ChatView } from "./chat-view.js";
import { ContactsPanel } from "./contacts/contacts-panel.js";
import { ConversationList } from "./conversation-list.js";
import { LanguageSwitch } from "./language-switch.js";
import { MentionsPanel } from "./mentions/mentions-panel.js";
import { PersonStatus } from "./person-status.js";
import { SearchPanel } from "./search/search-panel.js";
import { SkipLinks } from "./skip-links.js";
import { UnreadBadge, UnreadMarks } from "./unread-marks.js";
import { useChatRequests } from "./use-chat-requests.js";

type Tab = "chats" | "contacts" | "search" | "mentions" | "favourites";

// Favourites are opened now and then: their panel is loaded the first time.
const FavouritesPanel = lazy(() =>
  import("./menu/favourites-panel.js").then((m) => ({ default: m.FavouritesPanel })),
);

/** Opening an invite link (`#/join/<token>`): only then is this code loaded. */
const JoinView = lazy(() => import("./groups/join-view.js").then((m) => ({ default: m.JoinView })));

/** The invite token in the address, if the page was opened from an invite link. */
function joinToken(): string | undefined {
  const m = /^#\/join\/([^/?#]+)$/.exec(location.hash);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

/** Takes the invite out of the address once it is dealt with, so a reload does not offer it again. */
function forgetJoinToken(): void {
  history.replaceState(null, "", `${location.pathname}${location.search}`);
}
/** Opened now and then: loaded on first open, outside the first screen's code. */
const SettingsPage = lazy(() =>
  import("./settings/settings-page.js").then((m) => ({ default: m.SettingsPage })),
);

/** What the side panels may ask the workspace to do. */
export interface PanelActions {
  /** Opens a chat, at a message when `seq` is given. */
  onOpen(conversationId: string, seq?: bigint): void;
  /** Opens the 1:1 chat with a user (a draft until its first message). */
  onStartChat(userId: string): void;
}

/** The signed-in screen: a side panel (chats, contacts, search) beside the open chat (one at a time on a phone). */
export function Workspace() {
  const { session, people, conversations, extras, webPush } = useChat("session", "people", "extras");
  const { t } = useStrings();
  const [tab, setTab] = useState<Tab>("chats");
  const [avatarError, setAvatarError] = useState("");
  const [askNotifications, setAskNotifications] = useState(
    () => typeof Notification !== "undefined" && Notification.permission === "default",
  );
  const [open, setOpen] = useState<{ id: string; seq?: bigint } | undefined>(undefined);
  const [joining, setJoining] = useState(joinToken);
  useEffect(() => {
    const onHash = () => setJoining(joinToken());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const offline = session.phase === "reconnecting" || session.phase === "connecting";
  // Opened without a connection: what this device saved is shown until the login works.
  const saved = session.phase === "offline";
  // What had the focus when a chat was opened (a chat in the list, a search hit, a card's button):
  // leaving the chat puts the focus back there.
  const opener = useRef<HTMLElement | null>(null);
  const remember = () => {
    const el = document.activeElement;
    if (el instanceof HTMLElement && el.closest(".sidebar")) opener.current = el;
  };
  const actions: PanelActions = {
    onOpen: (id, seq) => {
      remember();
      setSettingsOpen(false);
      setOpen(seq === undefined ? { id } : { id, seq });
    },
    onStartChat: (userId) => {
      remember();
      setSettingsOpen(false);
      setOpen({ id: conversations.openDirect(userId) });
    },
  };
  useChatRequests((id) => actions.onOpen(id));
  const leave = () => {
    // On a phone the chat covers the list: leaving closes it. On a wide screen it stays open.
    if (window.matchMedia("(max-width: 640px)").matches) setOpen(undefined);
    requestAnimationFrame(() => {
      const back =
        opener.current?.isConnected && opener.current.offsetParent !== null
          ? opener.current
          : document.querySelector<HTMLElement>(".conversation[tabindex='0']");
      back?.focus();
    });
  };
  const tabs: [Tab, string][] = [
    ["chats", t.conversations],
    ["contacts", t.contactsTab],
    ["search", t.searchTab],
    ["mentions", t.mentionsTab],
    // Shown only when the SDK can keep favourites.
    ...(extras.can.favourites ? [["favourites", t.favouritesTab] as [Tab, string]] : []),
  ];

  return (
    <div className={`workspace${open || joining || settingsOpen ? " has-open" : ""}`}>
      <SkipLinks chatOpen={open !== undefined} />
      <UnreadMarks open={open?.id} />
      {(offline || saved) && (
        <div className="banner" role="status">
          {saved ? t.offlineSaved : t.reconnecting}
        </div>
      )}
      <aside className="sidebar" aria-label={t.appName}>
        {/* The page's one top heading, for screen readers' heading navigation; the chat's name is h2. */}
        <h1 className="sr-only">{t.appName}</h1>
        <header className="me">
          <label className="avatar-picker" title={t.setAvatar}>
            <Avatar userId={session.userId} label={people.displayName(session.userId)} />
            <input
              type="file"
              accept="image/*"
              className="sr-only"
              aria-label={t.setAvatar}
              data-testid="avatar-input"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = "";
                if (file) void people.setAvatar(file).catch((err: Error) => setAvatarError(err.message));
              }}
            />
          </label>
          <button
            type="button"
            className="me-name"
            data-testid="me"
            title={`${session.userId} · ${t.settingsOpen}`}
            aria-label={`${people.displayName(session.userId)}: ${t.settingsOpen}`}
            onClick={() => setSettingsOpen(true)}
          >
            {people.displayName(session.userId)}
            <PersonStatus userId={session.userId} />
          </button>
          <button
            type="button"
            className="link settings-button"
            data-testid="open-settings"
            aria-label={t.settingsOpen}
            title={t.settingsOpen}
            aria-pressed={settingsOpen}
            onClick={() => setSettingsOpen(true)}
          >
            <span aria-hidden="true">⚙</span>
          </button>
          <LanguageSwitch />
          <button type="button" className="link" onClick={() => void session.logout()}>
            {t.signOut}
          </button>
        </header>
        {avatarError && (
          <p role="alert" className="error notice">
            {avatarError}
          </p>
        )}
        {askNotifications && (
          <button
            type="button"
            className="link notice"
            onClick={() =>
              void Notification.requestPermission().then((p) => {
                setAskNotifications(false);
                // Allowed: notifications also while the app is closed, where the server sends them.
                if (p === "granted") void webPush.enable();
              })
            }
          >
            {t.notifications}
          </button>
        )}
        <div className="tabs" role="tablist">
          {tabs.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              id={`tab-${key}`}
              aria-selected={tab === key}
              aria-controls={`panel-${key}`}
              className={tab === key ? "tab selected" : "tab"}
              onClick={() => setTab(key)}
            >
              {label}
              {key === "chats" && <UnreadBadge open={open?.id} />}
            </button>
          ))}
        </div>
        <div className="panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === "chats" && <ConversationList selected={open?.id} onSelect={(id) => actions.onOpen(id)} />}
          {tab === "contacts" && <ContactsPanel {...actions} />}
          {tab === "search" && <SearchPanel {...actions} />}
          {tab === "mentions" && <MentionsPanel {...actions} />}
          {tab === "favourites" && (
            <Suspense fallback={null}>
              <FavouritesPanel {...actions} />
            </Suspense>
          )}
        </div>
      </aside>
      <main className="chat-pane">
        {joining ? (
          <Suspense fallback={null}>
            <JoinView
              token={joining}
              onJoined={(id) => {
                forgetJoinToken();
                setJoining(undefined);
                setOpen({ id });
              }}
              onBack={() => {
                forgetJoinToken();
                setJoining(undefined);
              }}
            />
          </Suspense>
        ) : settingsOpen ? (
          <Suspense fallback={<p className="empty">{t.settingsTitle}</p>}>
            <SettingsPage onClose={() => setSettingsOpen(false)} />
          </Suspense>
        ) : open ? (
          <ChatView
            key={`${open.id}#${open.seq ?? ""}`}
            conversationId={open.id}
            {...(open.seq !== undefined ? { focusSeq: open.seq } : {})}
            onBack={leave}
            onJump={(seq) => setOpen({ id: open.id, seq })}
          />
        ) : (
          <p className="empty">{t.pickConversation}</p>
        )}
      </main>
    </div>
  );
}

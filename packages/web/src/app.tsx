import { parseInviteLink } from "@starling/sdk";
import { lazy, Suspense, useEffect, useState } from "react";
import { useStrings } from "./i18n.js";
import type { Chat } from "./stores/chat.js";
import { DisplaySettings } from "./ui/display-settings.js";
import { Login } from "./ui/login.js";
import { Workspace } from "./ui/workspace.js";
import { ChatContext, useChat } from "./use-chat.js";

/** Only accounts with an initial password see it: not part of the first screen's code. */
const NewPassword = lazy(() => import("./ui/new-password.js").then((m) => ({ default: m.NewPassword })));

/** The app around its stores: every component below reaches them through `useChat`. */
export function App(props: { chat: Chat }) {
  return (
    <ChatContext value={props.chat}>
      <DisplaySettings />
      <Screen />
    </ChatContext>
  );
}

/**
 * An invite link opened in the browser (the server sends it here with its fragment): the
 * person's activation code, never sent to the server but in the activation itself.
 */
function invitationOnLoad(): { userId: string; code: string } | undefined {
  try {
    const { userId, code } = parseInviteLink(location.href);
    return userId && code ? { userId, code } : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the invite in the address bar, so the code is not kept in history or bookmarks. */
function dropInvitation(): void {
  history.replaceState(null, "", location.pathname);
}

/** Resumes a stored session on load; an invite link asks for a password; otherwise the login screen. */
function Screen() {
  const { session } = useChat("session");
  const { t, lang } = useStrings();
  const [invitation, setInvitation] = useState(invitationOnLoad);
  const [resuming, setResuming] = useState(() => !invitation && session.saved() !== undefined);

  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);

  useEffect(() => {
    if (invitation && session.phase !== "signedOut") {
      dropInvitation();
      setInvitation(undefined);
    }
  }, [invitation, session.phase]);

  useEffect(() => {
    if (!resuming) return;
    void session.resume().finally(() => setResuming(false));
  }, [resuming, session]);

  const splash = (
    <div className="splash" aria-busy="true">
      {t.appName}
    </div>
  );
  if (resuming) return splash;
  if (session.phase === "signedOut" && invitation)
    return (
      <Suspense fallback={splash}>
        <NewPassword
          invitation={invitation}
          onBack={() => {
            dropInvitation();
            setInvitation(undefined);
          }}
        />
      </Suspense>
    );
  if (session.phase === "signedOut") return <Login />;
  if (session.mustChangePassword)
    return (
      <Suspense fallback={splash}>
        <NewPassword />
      </Suspense>
    );
  return <Workspace />;
}

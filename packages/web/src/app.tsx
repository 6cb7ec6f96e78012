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

/** Resumes a stored session on load; otherwise the login screen. */
function Screen() {
  const { session } = useChat("session");
  const { t, lang } = useStrings();
  const [resuming, setResuming] = useState(() => session.saved() !== undefined);

  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);

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
  if (session.phase === "signedOut") return <Login />;
  if (session.mustChangePassword)
    return (
      <Suspense fallback={splash}>
        <NewPassword />
      </Suspense>
    );
  return <Workspace />;
}

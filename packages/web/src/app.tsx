import { useEffect, useState } from "react";
import { useStrings } from "./i18n.js";
import type { Chat } from "./stores/chat.js";
import { Login } from "./ui/login.js";
import { Workspace } from "./ui/workspace.js";
import { ChatContext, useChat } from "./use-chat.js";

/** The app around its stores: every component below reaches them through `useChat`. */
export function App(props: { chat: Chat }) {
  return (
    <ChatContext value={props.chat}>
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

  if (resuming)
    return (
      <div className="splash" aria-busy="true">
        {t.appName}
      </div>
    );
  return session.phase === "signedOut" ? <Login /> : <Workspace />;
}

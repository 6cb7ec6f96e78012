import { useEffect, useState, useSyncExternalStore } from "react";
import { store } from "./chat-store.js";
import { useStrings } from "./i18n.js";
import { Login } from "./ui/login.js";
import { Workspace } from "./ui/workspace.js";

/** Resumes a stored session on load; otherwise the login screen. */
export function App() {
  useSyncExternalStore(store.subscribe, store.version);
  const { t, lang } = useStrings();
  const [resuming, setResuming] = useState(() => store.saved() !== undefined);

  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);

  useEffect(() => {
    if (!resuming) return;
    void store.resume().finally(() => setResuming(false));
  }, [resuming]);

  if (resuming)
    return (
      <div className="splash" aria-busy="true">
        {t.appName}
      </div>
    );
  return store.phase === "signedOut" ? <Login /> : <Workspace />;
}

import { StarlingError } from "@starling/sdk";
import { type FormEvent, useEffect, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { LanguageSwitch } from "./language-switch.js";

/** The onboarding document names the domain users log in to. */
async function defaultDomain(): Promise<string> {
  try {
    const r = await fetch("/.well-known/starling");
    if (!r.ok) return "";
    return ((await r.json()) as { domain?: string }).domain ?? "";
  } catch {
    return "";
  }
}

export function Login() {
  const { t } = useStrings();
  const { session } = useChat();
  const [domain, setDomain] = useState("");
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    void defaultDomain().then(setDomain);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const id = user.includes("@") || !domain ? user.trim() : `${user.trim()}@${domain}`;
    try {
      await session.login(id, password);
    } catch (err) {
      const name = err instanceof StarlingError ? err.codeName : "";
      setError(name === "BAD_CREDENTIALS" ? t.badLogin : name === "LOGIN_LOCKED" ? t.locked : t.cannotReach);
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t.appName}</h1>
        <label>
          {t.userId}
          <input
            name="user"
            autoComplete="username"
            required
            value={user}
            onChange={(e) => setUser(e.target.value)}
          />
        </label>
        {domain && (
          <p className="hint">
            {t.domainHint}: <span data-testid="domain">{domain}</span>
          </p>
        )}
        <label>
          {t.password}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t.signingIn : t.signIn}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}

import { StarlingError } from "@starling/sdk";
import { type FormEvent, useEffect, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { type PasswordRules, passwordProblem, serverRules } from "../new-password.js";
import { passwordStrings } from "../password-strings.js";

/** Changing one's password: the same rules, checks and strings as the first-login step. */
export function PasswordSection() {
  const { t: base, lang } = useStrings();
  const t = { ...base, ...passwordStrings[lang] };
  const { session } = useChat();
  const [rules, setRules] = useState<PasswordRules>({ minLength: 8, maxLength: 256 });
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  useEffect(() => {
    void serverRules().then(setRules);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem =
      passwordProblem(t, rules, session.userId, password, password === current) ||
      (password !== again ? t.newPasswordMismatch : "");
    if (problem) return setMessage({ ok: false, text: problem });
    setBusy(true);
    try {
      await session.client?.changePassword(current, password);
      setCurrent("");
      setPassword("");
      setAgain("");
      setMessage({ ok: true, text: t.settingsPasswordChanged });
    } catch (err) {
      const name = err instanceof StarlingError ? err.codeName : "";
      setMessage({
        ok: false,
        text:
          name === "BAD_CREDENTIALS"
            ? t.settingsWrongPassword
            : name === "LOGIN_LOCKED"
              ? t.locked
              : name === "INVALID_ARGUMENT"
                ? `${t.newPasswordRejected}${(err as Error).message}`
                : t.cannotReach,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="settings-section" aria-labelledby="settings-password" onSubmit={submit} noValidate>
      <h3 id="settings-password">{t.settingsPassword}</h3>
      <p id="settings-password-rules" className="hint">
        {t.newPasswordRules} {t.newPasswordRuleLength.replace("{n}", String(rules.minLength))};{" "}
        {t.newPasswordRuleUser}.
      </p>
      <label>
        {t.settingsCurrentPassword}
        <input
          name="current-password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <label>
        {t.newPassword}
        <input
          name="new-password"
          type="password"
          autoComplete="new-password"
          aria-describedby="settings-password-rules"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <label>
        {t.newPasswordAgain}
        <input
          name="new-password-again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
        />
      </label>
      <button type="submit" className="primary" disabled={busy || !current || !password}>
        {t.settingsChangePassword}
      </button>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "hint" : "error"}>
          {message.text}
        </p>
      )}
    </form>
  );
}

import { StarlingError } from "@starling/sdk";
import { type FormEvent, useState } from "react";
import { useStrings } from "../../i18n.js";
import { useChat } from "../../use-chat.js";
import { NewPasswordFields, newPasswordProblem, usePasswordRules } from "../new-password-fields.js";
import { passwordStrings } from "../password-strings.js";

/** Changing one's password: the same rules, checks and strings as the first-login step. */
export function PasswordSection() {
  const { t: base, lang } = useStrings();
  const t = { ...base, ...passwordStrings[lang] };
  const { session } = useChat();
  const rules = usePasswordRules();
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(t, rules, session.userId, password, again, password === current);
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
      <NewPasswordFields
        t={t}
        rulesId="settings-password-rules"
        password={password}
        again={again}
        onPassword={setPassword}
        onAgain={setAgain}
      />
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

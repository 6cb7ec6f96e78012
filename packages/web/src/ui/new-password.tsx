import { StarlingError } from "@starling/sdk";
import { type FormEvent, useEffect, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { LanguageSwitch } from "./language-switch.js";
import { passwordStrings } from "./password-strings.js";

/** This step's strings travel with it, outside the first screen's code. */
type PasswordText = (typeof passwordStrings)["en"];

export interface PasswordRules {
  minLength: number;
  maxLength: number;
}

/** What the server enforces unless its onboarding document says otherwise. */
const DEFAULT_RULES: PasswordRules = { minLength: 8, maxLength: 256 };

export async function serverRules(): Promise<PasswordRules> {
  try {
    const r = await fetch("/.well-known/starling");
    if (!r.ok) return DEFAULT_RULES;
    const rules = ((await r.json()) as { passwordRules?: Partial<PasswordRules> }).passwordRules;
    return { ...DEFAULT_RULES, ...rules };
  } catch {
    return DEFAULT_RULES;
  }
}

/** The first rule `password` breaks, as the text to show; "" when it keeps them all. */
export function passwordProblem(
  t: PasswordText,
  rules: PasswordRules,
  userId: string,
  password: string,
  isInitial: boolean,
): string {
  if (password.length < rules.minLength) return t.newPasswordTooShort.replace("{n}", String(rules.minLength));
  if (password.length > rules.maxLength) return t.newPasswordTooLong.replace("{n}", String(rules.maxLength));
  const lower = password.toLowerCase();
  if (lower === userId.toLowerCase() || lower === userId.slice(0, userId.indexOf("@")).toLowerCase())
    return t.newPasswordIsUser;
  if (isInitial) return t.newPasswordSame;
  return "";
}

/** An invite link's activation code for one person (docs/protocol.md, "Onboarding"). */
export interface Invitation {
  userId: string;
  code: string;
}

/** Why an activation was refused, in the person's words. */
function activationProblem(t: PasswordText & { cannotReach: string }, name: string): string {
  if (name === "ACTIVATION_CODE_INVALID") return t.activateInvalid;
  if (name === "ACTIVATION_CODE_EXPIRED") return t.activateExpired;
  if (name === "ACTIVATION_CODE_USED") return t.activateUsed;
  return t.cannotReach;
}

/**
 * Choosing one's own password: after a login with an initial password (then the client starts),
 * or, given `invitation`, with an invite's activation code (then the person is signed in).
 * `onBack` leaves an invitation for the sign-in screen.
 */
export function NewPassword(props: { invitation?: Invitation; onBack?: () => void } = {}) {
  const { invitation } = props;
  const { t: base, lang } = useStrings();
  const t = { ...base, ...passwordStrings[lang] };
  const { session } = useChat();
  const [rules, setRules] = useState(DEFAULT_RULES);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    void serverRules().then(setRules);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem =
      passwordProblem(
        t,
        rules,
        invitation?.userId ?? session.userId,
        password,
        !invitation && session.isInitialPassword(password),
      ) || (password !== again ? t.newPasswordMismatch : "");
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      if (invitation) await session.activate(invitation.userId, invitation.code, password);
      else await session.setNewPassword(password);
    } catch (err) {
      const name = err instanceof StarlingError ? err.codeName : "";
      setError(
        name === "INVALID_ARGUMENT"
          ? `${t.newPasswordRejected}${(err as Error).message}`
          : name === "BAD_CREDENTIALS" || name === "LOGIN_LOCKED"
            ? t.locked
            : invitation
              ? activationProblem(t, name)
              : t.cannotReach,
      );
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="new-password-title" noValidate>
        <h1 id="new-password-title">{invitation ? t.activateTitle : t.newPasswordTitle}</h1>
        <p className="hint">
          {invitation ? t.activateWhy.replace("{user}", invitation.userId) : t.newPasswordWhy}
        </p>
        <div id="new-password-rules" className="hint" data-testid="password-rules">
          {t.newPasswordRules}
          <ul>
            <li>{t.newPasswordRuleLength.replace("{n}", String(rules.minLength))}</li>
            <li>{t.newPasswordRuleUser}</li>
            {!invitation && <li>{t.newPasswordRuleDifferent}</li>}
          </ul>
        </div>
        <label>
          {t.newPassword}
          <input
            name="new-password"
            type="password"
            autoComplete="new-password"
            aria-describedby="new-password-rules"
            required
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
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t.newPasswordSaving : t.newPasswordSave}
        </button>
        {invitation ? (
          <button type="button" className="secondary" onClick={props.onBack}>
            {t.activateBack}
          </button>
        ) : (
          <button type="button" className="secondary" onClick={() => void session.logout()}>
            {t.signOut}
          </button>
        )}
        <LanguageSwitch />
      </form>
    </main>
  );
}

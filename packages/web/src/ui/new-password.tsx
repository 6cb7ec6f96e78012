import { StarlingError } from "@starling/sdk";
import { type FormEvent, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { LanguageSwitch } from "./language-switch.js";
import {
  NewPasswordFields,
  newPasswordProblem,
  type PasswordText,
  usePasswordRules,
} from "./new-password-fields.js";
import { passwordStrings } from "./password-strings.js";

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
  const rules = usePasswordRules();
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(
      t,
      rules,
      invitation?.userId ?? session.userId,
      password,
      again,
      !invitation && session.isInitialPassword(password),
    );
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
        <NewPasswordFields
          t={t}
          rulesId="new-password-rules"
          password={password}
          again={again}
          onPassword={setPassword}
          onAgain={setAgain}
          required
        />
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

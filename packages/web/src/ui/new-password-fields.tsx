import { useEffect, useState } from "react";
import type { passwordStrings } from "./password-strings.js";

/*
 * Choosing a new password, wherever it is done (after a first login, from an invite's
 * activation code, in the settings): the server's rules, the check before submitting, and the
 * two fields. One home, so the rules a person is shown are the rules they are checked against.
 */

/** This step's strings travel with it, outside the first screen's code. */
export type PasswordText = (typeof passwordStrings)["en"];

export interface PasswordRules {
  minLength: number;
  maxLength: number;
}

/** What the server enforces unless its onboarding document says otherwise. */
export const DEFAULT_RULES: PasswordRules = { minLength: 8, maxLength: 256 };

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

/** The server's password rules, fetched once for the component that shows them. */
export function usePasswordRules(): PasswordRules {
  const [rules, setRules] = useState(DEFAULT_RULES);
  useEffect(() => {
    void serverRules().then(setRules);
  }, []);
  return rules;
}

/** What stops the new password (`again` its repetition) being saved, as the text to show; "" when nothing. */
export function newPasswordProblem(
  t: PasswordText,
  rules: PasswordRules,
  userId: string,
  password: string,
  again: string,
  isCurrent: boolean,
): string {
  return (
    passwordProblem(t, rules, userId, password, isCurrent) ||
    (password !== again ? t.newPasswordMismatch : "")
  );
}

/** The new password and its repetition, described by the element showing the rules. */
export function NewPasswordFields(props: {
  t: PasswordText;
  rulesId: string;
  password: string;
  again: string;
  onPassword(value: string): void;
  onAgain(value: string): void;
  required?: boolean;
}) {
  const { t } = props;
  return (
    <>
      <label>
        {t.newPassword}
        <input
          name="new-password"
          type="password"
          autoComplete="new-password"
          aria-describedby={props.rulesId}
          required={props.required}
          value={props.password}
          onChange={(e) => props.onPassword(e.target.value)}
        />
      </label>
      <label>
        {t.newPasswordAgain}
        <input
          name="new-password-again"
          type="password"
          autoComplete="new-password"
          required={props.required}
          value={props.again}
          onChange={(e) => props.onAgain(e.target.value)}
        />
      </label>
    </>
  );
}

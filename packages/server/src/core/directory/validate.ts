import { invalid } from "../kernel/errors.js";
import { PROFILE_LIMITS } from "../kernel/limits.js";
import { checkTextCharacters } from "../messaging/content.js";

/** A profile text field: trimmed, at most `max` characters, no control characters. */
export function checkText(value: string, name: string, max: number): string {
  const v = value.trim();
  if (v.length > max) throw invalid(`${name} is longer than ${max} characters`, name);
  checkTextCharacters(v, name);
  return v;
}

/** "" or something shaped like an address, in lower case. */
export function checkEmail(value: string): string {
  const email = checkText(value, "email", PROFILE_LIMITS.email).toLowerCase();
  if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid("not an email address", "email");
  return email;
}

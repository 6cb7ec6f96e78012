import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Password hashes brought over from another system, kept only until the
 * user's next successful login replaces them with this server's own hash.
 * The stored form is `<scheme>$<salt>$<hash>`; no password hash of the
 * PasswordHasher starts with a scheme of this list.
 */
const STARTALK = "startalk-cry";

/**
 * Startalk's `host_users.password` "CRY:<hex>" with `pwd_salt`, as its
 * `qtalk_auth.erl` (do_check_host_user) checks it:
 * hex = md5hex(md5hex(md5hex(password) + salt)), lower-case hex.
 * Returns undefined for anything else (an empty or plain-text password).
 */
export function legacyPasswordOf(password: string | null, salt: string | null): string | undefined {
  if (!password?.startsWith("CRY:") || !salt) return undefined;
  const hex = password.slice(4).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex) || salt.includes("$")) return undefined;
  return `${STARTALK}$${salt}$${hex}`;
}

export function isLegacyHash(hash: string): boolean {
  return hash.startsWith(`${STARTALK}$`);
}

const md5hex = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** Whether the password matches a legacy hash (false for any hash that is not one). */
export function verifyLegacyHash(hash: string, password: string): boolean {
  const [scheme, salt, hex] = hash.split("$");
  if (scheme !== STARTALK || salt === undefined || hex === undefined || hex.length !== 32) return false;
  const computed = md5hex(md5hex(md5hex(password) + salt));
  return timingSafeEqual(Buffer.from(computed), Buffer.from(hex));
}

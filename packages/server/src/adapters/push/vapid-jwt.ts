import type { KeyObject } from "node:crypto";
import { signJwt } from "./jwt.js";

/** RFC 8292 §2: the push service refuses a token that expires more than 24 hours ahead. */
export const VAPID_MAX_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * The VAPID JWT (RFC 8292 §2) for one push service origin: ES256 (RFC 7518 §3.4, the raw
 * r||s signature, not DER), `aud` the origin, `exp` in seconds, `sub` a contact for the
 * push service's operator.
 */
export function vapidJwt(
  privateKey: KeyObject,
  audience: string,
  subject: string,
  expiresAt: number,
): string {
  return signJwt("ES256", privateKey, { aud: audience, exp: Math.floor(expiresAt / 1000), sub: subject });
}

/** RFC 8292 §3: the Authorization header value. */
export function vapidAuthorization(jwt: string, publicKey: string): string {
  return `vapid t=${jwt}, k=${publicKey}`;
}

import { ErrorCode, StarlingError } from "@starling/protocol";

export interface ActivationInput {
  /** Full (bob@corp.example) or bare (the server's default domain). */
  userId: string;
  /** The code from the invite link, as given or typed (case and dashes do not matter). */
  code: string;
  /** The new password, under the onboarding document's passwordRules (the server checks them again). */
  password: string;
  deviceId?: string;
  platform?: string;
}

/** A session, as a password login gives it: pass `token` as ClientOptions.auth. */
export interface ActivatedSession {
  userId: string;
  token: string;
  /** Unix time in milliseconds. */
  expiresAt: number;
}

/** The part of fetch the SDK's HTTP calls use, so a platform can give its own (Node pins certificates). */
export type HttpFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** What the server's error body says (docs/api.md), as the SDK's error type. */
function errorOf(
  status: number,
  body: { number?: number; message?: string; details?: Record<string, string> },
) {
  const code = typeof body.number === "number" ? (body.number as ErrorCode) : ErrorCode.INTERNAL;
  return new StarlingError(
    code,
    body.message ?? `HTTP ${status}`,
    body.details ? { details: body.details } : {},
  );
}

/**
 * Chooses one's first password with an activation code (POST /api/v1/activate on the
 * onboarding document's HTTP endpoint) and returns the new session. Refusals are StarlingErrors:
 * ACTIVATION_CODE_INVALID / _EXPIRED / _USED, INVALID_ARGUMENT for a password the rules refuse,
 * LOGIN_LOCKED after too many wrong codes. `fetchFn` replaces the platform's fetch (Node pins
 * the certificate with its own).
 */
export async function activate(
  httpUrl: string,
  input: ActivationInput,
  fetchFn: HttpFetch = (url, init) => fetch(url, init),
): Promise<ActivatedSession> {
  const r = await fetchFn(`${httpUrl.replace(/\/+$/, "")}/api/v1/activate`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(input),
  });
  const body = (await r.json().catch(() => ({}))) as Record<string, unknown>;
  if (!r.ok) throw errorOf(r.status, body);
  return { userId: String(body.userId), token: String(body.token), expiresAt: Number(body.expiresAt) };
}

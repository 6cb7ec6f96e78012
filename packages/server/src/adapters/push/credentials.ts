import type { PushOutcome } from "../../core/push/provider.js";
import type { AccessToken } from "./access-token.js";
import { unreachable } from "./http-call.js";

/**
 * The provider refused to issue an access token for the configured credentials (wrong app id,
 * key, secret or signature): every send fails alike until the configuration is fixed.
 */
export class CredentialsRefused extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = "CredentialsRefused";
  }
}

/** Getting an access token failed in a way that says how the send went (throttled, unreachable). */
export class TokenUnavailable extends Error {
  constructor(readonly outcome: PushOutcome) {
    super(outcome.ok ? "token" : (outcome.detail ?? outcome.reason));
    this.name = "TokenUnavailable";
  }
}

/** What one attempt with an access token gave: an outcome, or "the provider says the token has lapsed". */
export type TokenAttempt = PushOutcome | "token_expired";

/**
 * One send with the provider's access token. When the provider says the token has lapsed (it
 * can end before its stated expiry: revoked, or another server fetched a new one), the token is
 * dropped and the send tried once more with a fresh one; a second refusal is `rejected`.
 * Refused credentials are `rejected`; a network failure or timeout is `retryable`.
 */
export async function sendWithToken(
  token: AccessToken,
  attempt: (accessToken: string) => Promise<TokenAttempt>,
): Promise<PushOutcome> {
  try {
    for (let i = 0; i < 2; i++) {
      const out = await attempt(await token.get());
      if (out !== "token_expired") return out;
      token.invalidate();
    }
    return { ok: false, reason: "rejected", detail: "access token refused twice" };
  } catch (err) {
    if (err instanceof CredentialsRefused) return { ok: false, reason: "rejected", detail: err.message };
    if (err instanceof TokenUnavailable) return err.outcome;
    return unreachable(err);
  }
}

import { CloseCode, ErrorCode, StarlingError, type Welcome } from "@starling/protocol";
import { ConnectionClosedError } from "./client-errors.js";
import type { HelloInit } from "./connection.js";

/**
 * How to log in: a password (the server answers with a session token that
 * later reconnects use), a token from an earlier session, or both (the token
 * first, the password if the token is refused).
 */
export type ClientAuth = { userId: string; password: string; token?: string } | { token: string };

/** The login to put in the next Hello. */
export class Credentials {
  private readonly password: { userId: string; password: string } | null;
  private sessionToken: string | undefined;

  constructor(auth: ClientAuth) {
    this.password = "password" in auth ? { userId: auth.userId, password: auth.password } : null;
    this.sessionToken = auth.token || undefined;
  }

  get token(): string | undefined {
    return this.sessionToken;
  }

  get usingToken(): boolean {
    return this.sessionToken !== undefined;
  }

  /** A refused token can be replaced by a password login. */
  get canFallBack(): boolean {
    return this.usingToken && this.password !== null;
  }

  auth(): HelloInit["auth"] {
    if (this.sessionToken !== undefined) return { case: "token", value: this.sessionToken };
    if (this.password !== null) return { case: "password", value: this.password };
    throw new StarlingError(ErrorCode.UNAUTHENTICATED, "no credentials left (logged out)", {
      retryable: false,
    });
  }

  welcomed(welcome: Welcome): void {
    if (welcome.sessionToken !== "") this.sessionToken = welcome.sessionToken;
  }

  forgetToken(): void {
    this.sessionToken = undefined;
  }
}

/** Whether a failed login says the token (not the account) is the problem. */
export function isTokenRejected(err: unknown): boolean {
  if (err instanceof ConnectionClosedError) return err.closeCode === CloseCode.AUTH_FAILED;
  return (
    err instanceof StarlingError &&
    (err.code === ErrorCode.TOKEN_INVALID || err.code === ErrorCode.UNAUTHENTICATED)
  );
}

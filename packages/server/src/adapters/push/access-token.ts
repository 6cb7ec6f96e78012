/** An access token and when it stops being valid (ms since the epoch). */
export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/**
 * Holds a provider's access token (an OAuth2 bearer token, a vendor's auth token, a signed
 * JWT) and gets a new one shortly before it expires. Concurrent callers share one request
 * for a new token. `invalidate` drops it when the provider refused it (expired early,
 * revoked), so the next call fetches a fresh one.
 */
export class AccessToken {
  private current: IssuedToken | undefined;
  private pending: Promise<IssuedToken> | undefined;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
    /** Renew this long before expiry, so a request never carries a token about to lapse. */
    private readonly marginMs = 60_000,
  ) {}

  async get(): Promise<string> {
    const c = this.current;
    if (c && c.expiresAt - this.marginMs > this.now()) return c.token;
    this.pending ??= this.issue().finally(() => {
      this.pending = undefined;
    });
    const fresh = await this.pending;
    this.current = fresh;
    return fresh.token;
  }

  invalidate(): void {
    this.current = undefined;
  }
}

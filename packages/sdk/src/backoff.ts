export interface BackoffOptions {
  /** First delay, in milliseconds. Default 500. */
  minDelayMs?: number;
  /** Upper bound of any delay. Default 30000. */
  maxDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /**
   * Fraction of each delay that is random, 0..1. Default 0.5: a delay lies
   * between half and all of its exponential value, so clients dropped by the
   * same server restart do not all come back at the same instant.
   */
  jitter?: number;
}

/** Exponential backoff with jitter. */
export class Backoff {
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.minDelayMs = Math.max(0, options.minDelayMs ?? 500);
    this.maxDelayMs = Math.max(this.minDelayMs, options.maxDelayMs ?? 30_000);
    this.factor = Math.max(1, options.factor ?? 2);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.random = random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; each call grows the next one. */
  next(): number {
    return this.delayFor(this.attempt++);
  }

  /** The delay before retry number `attempt` (0-based), without counting it. */
  delayFor(attempt: number): number {
    const base = Math.min(this.maxDelayMs, this.minDelayMs * this.factor ** Math.max(0, attempt));
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}

export interface EndpointPickerOptions {
  /** Milliseconds, for the age of failures. */
  now(): number;
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
  /** A failure counts half as much after this long. Default 60000. */
  halfLifeMs?: number;
}

/** How much one recent failure divides an endpoint's weight by, roughly: weight = 1 / (1 + 3 * failures). */
const FAILURE_WEIGHT = 3;

/**
 * Chooses the order in which to try a cluster's endpoints: at random, so
 * that devices spread over the nodes instead of all piling onto the first
 * one, weighted by health, so that an endpoint that failed recently is
 * tried less often (and later) until its failures fade.
 */
export class EndpointPicker {
  private readonly random: () => number;
  private readonly halfLifeMs: number;
  private readonly failures: { score: number; at: number }[];

  constructor(
    count: number,
    private readonly opts: EndpointPickerOptions,
  ) {
    this.random = opts.random ?? Math.random;
    this.halfLifeMs = Math.max(1, opts.halfLifeMs ?? 60_000);
    this.failures = Array.from({ length: count }, () => ({ score: 0, at: 0 }));
  }

  /** Connecting to endpoint `i` failed, or its node asked the client to leave. */
  failed(i: number): void {
    const f = this.failures[i];
    if (!f) return;
    f.score = this.decayed(i) + 1;
    f.at = this.opts.now();
  }

  /** A connection to endpoint `i` worked: its past failures are forgiven. */
  succeeded(i: number): void {
    const f = this.failures[i];
    if (f) f.score = 0;
  }

  /** Endpoint `i`'s current weight, in (0, 1]. */
  weight(i: number): number {
    return 1 / (1 + FAILURE_WEIGHT * this.decayed(i));
  }

  /**
   * Every endpoint once, drawn at random by weight without replacement;
   * `last`, if given, goes to the end (the node that asked the client to move).
   */
  order(last?: number): number[] {
    const pool = this.failures.map((_, i) => i).filter((i) => i !== last);
    const out: number[] = [];
    while (pool.length > 0) {
      const weights = pool.map((i) => this.weight(i));
      let r = this.random() * weights.reduce((a, b) => a + b, 0);
      let k = 0;
      while (k < pool.length - 1 && r >= (weights[k] as number)) r -= weights[k++] as number;
      out.push(pool.splice(k, 1)[0] as number);
    }
    if (last !== undefined && last >= 0 && last < this.failures.length) out.push(last);
    return out;
  }

  private decayed(i: number): number {
    const f = this.failures[i];
    if (!f || f.score === 0) return 0;
    return f.score * 0.5 ** ((this.opts.now() - f.at) / this.halfLifeMs);
  }
}

import type { LoginLimits } from "./limits.js";
import type { Clock } from "./ports.js";

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/** Bound on tracked keys so a flood of distinct names cannot grow memory without limit. */
const MAX_KEYS = 100_000;

/**
 * Counts failed logins per account and per client address in a sliding
 * window and locks a key for a while once it has too many.
 */
export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until the account or address may try again, or 0. */
  lockedFor(account: string, ip: string): number {
    const now = this.clock.now();
    const a = this.entries.get(`a:${account}`)?.lockedUntil ?? 0;
    const i = this.entries.get(`i:${ip}`)?.lockedUntil ?? 0;
    return Math.max(0, Math.max(a, i) - now);
  }

  recordFailure(account: string, ip: string): void {
    this.bump(`a:${account}`, this.limits.maxFailuresPerAccount);
    this.bump(`i:${ip}`, this.limits.maxFailuresPerIp);
  }

  recordSuccess(account: string): void {
    this.entries.delete(`a:${account}`);
  }

  private bump(key: string, max: number): void {
    const now = this.clock.now();
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= MAX_KEYS) this.evict(now);
      e = { failures: [], lockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.failures = e.failures.filter((t) => now - t < this.limits.windowMs);
    e.failures.push(now);
    if (e.failures.length >= max) {
      e.lockedUntil = now + this.limits.lockoutMs;
      e.failures = [];
    }
  }

  private evict(now: number): void {
    for (const [k, e] of this.entries) {
      const last = e.failures[e.failures.length - 1] ?? 0;
      if (e.lockedUntil < now && now - last >= this.limits.windowMs) this.entries.delete(k);
    }
    if (this.entries.size >= MAX_KEYS) {
      const first = this.entries.keys().next().value;
      if (first !== undefined) this.entries.delete(first);
    }
  }
}

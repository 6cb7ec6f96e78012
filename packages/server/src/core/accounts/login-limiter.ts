import type { LoginLimits } from "../kernel/limits.js";
import type { Clock } from "../kernel/ports.js";

/** Bound on tracked keys per table, so a flood of distinct names cannot grow memory without limit. */
const MAX_KEYS = 100_000;

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/** Failures per key in a sliding window; `max` of them lock the key for `lockoutMs`. */
export class FailureWindow {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
    private readonly max: number,
    private readonly lockoutMs: number,
  ) {}

  /** Milliseconds until the key may try again, or 0. */
  lockedFor(key: string): number {
    return Math.max(0, (this.entries.get(key)?.lockedUntil ?? 0) - this.clock.now());
  }

  /** Counts a failure; true when it locked the key. */
  fail(key: string): boolean {
    const now = this.clock.now();
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= MAX_KEYS) this.evict(now);
      e = { failures: [], lockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.failures = e.failures.filter((t) => now - t < this.windowMs);
    e.failures.push(now);
    if (e.failures.length < this.max) return false;
    e.lockedUntil = now + this.lockoutMs;
    e.failures = [];
    return true;
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  private evict(now: number): void {
    for (const [k, e] of this.entries) {
      const last = e.failures[e.failures.length - 1] ?? 0;
      if (e.lockedUntil < now && now - last >= this.windowMs) this.entries.delete(k);
    }
    if (this.entries.size >= MAX_KEYS) {
      const first = this.entries.keys().next().value;
      if (first !== undefined) this.entries.delete(first);
    }
  }
}

/** Which limit a failure tripped: one account from one address, one address, or one account. */
export type LockScope = "account-address" | "address" | "account";

/**
 * The login policy. A lock must cost the attacker, not the user they aim at, so failures are
 * counted three ways:
 *
 * - per (account, address), with the low threshold: guessing one password from one place is slow,
 *   and locks only that place out of that account;
 * - per address across accounts (password spraying): that address is locked out of every account;
 * - per account across addresses, with a higher ceiling (many addresses guessing one password):
 *   the account is closed to addresses it does not know.
 *
 * An address *knows* an account once a login from it succeeded, for `knownAddressMs`: the address
 * and account ceilings do not apply to it, only its own (account, address) count. So the real user
 * keeps logging in from where they usually do while strangers hammer the account.
 *
 * IPv6 addresses count by their /64, which one host can fill with addresses at will.
 */
export class LoginLimiter {
  private readonly pairs: FailureWindow;
  private readonly addresses: FailureWindow;
  private readonly accounts: FailureWindow;
  /** "account address" -> until when the address knows the account; oldest first. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly clock: Clock,
  ) {
    const { windowMs, lockoutMs } = limits;
    this.pairs = new FailureWindow(clock, windowMs, limits.maxFailuresPerAccountAddress, lockoutMs);
    this.addresses = new FailureWindow(clock, windowMs, limits.maxFailuresPerIp, lockoutMs);
    this.accounts = new FailureWindow(clock, windowMs, limits.maxFailuresPerAccount, lockoutMs);
  }

  /** Milliseconds until a login to `account` from `ip` may be tried again, or 0. */
  lockedFor(account: string, ip: string): number {
    const address = addressKey(ip);
    const pair = this.pairs.lockedFor(`${account} ${address}`);
    if (this.isKnown(account, address)) return pair;
    return Math.max(pair, this.addresses.lockedFor(address), this.accounts.lockedFor(account));
  }

  /** Counts a failed login; returns the widest lock it started, if any. */
  recordFailure(account: string, ip: string): LockScope | undefined {
    const address = addressKey(ip);
    const lockedAccount = this.accounts.fail(account);
    const lockedAddress = this.addresses.fail(address);
    const lockedPair = this.pairs.fail(`${account} ${address}`);
    if (lockedAccount) return "account";
    if (lockedAddress) return "address";
    return lockedPair ? "account-address" : undefined;
  }

  /**
   * A login succeeded: its address now knows the account, and its own count starts again. The
   * account's count across addresses stays, so that the user logging in does not hand the
   * attackers a fresh allowance.
   */
  recordSuccess(account: string, ip: string): void {
    const address = addressKey(ip);
    const key = `${account} ${address}`;
    this.pairs.clear(key);
    this.known.delete(key);
    if (this.known.size >= MAX_KEYS) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(key, this.clock.now() + this.limits.knownAddressMs);
  }

  private isKnown(account: string, address: string): boolean {
    const key = `${account} ${address}`;
    const until = this.known.get(key);
    if (until === undefined) return false;
    if (until > this.clock.now()) return true;
    this.known.delete(key);
    return false;
  }
}

/**
 * The address a login is counted under: IPv4 (also when mapped into IPv6) as it is, IPv6 by its
 * first four groups (the /64 a single subscriber is usually given), anything else as it is.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!ip.includes(":")) return ip;
  const [head = "", tail] = (ip.toLowerCase().split("%")[0] ?? "").split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const fill = tail === undefined ? 0 : Math.max(0, 8 - left.length - right.length);
  const groups = [...left, ...Array<string>(fill).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

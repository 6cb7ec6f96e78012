import { ErrorCode, StarlingError } from "@starling/protocol";
import { notFound } from "../kernel/errors.js";
import { completeUserId, fullUserId } from "../kernel/ids.js";
import type { CoreLimits } from "../kernel/limits.js";
import { type Metrics, NO_METRICS } from "../kernel/metrics.js";
import type { Clock, Logger, Random } from "../kernel/ports.js";
import type { Accounts, AlsoInTx, Authenticated, DeviceInfo } from "./accounts.js";
import { LoginLimiter } from "./login-limiter.js";
import type { AccountsStore } from "./store.js";

/**
 * Crockford's base32 (https://www.crockford.com/base32.html): no I, L, O or U, so a code read
 * aloud or typed from paper survives; 32 symbols, so one random byte's low five bits pick one
 * without bias.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 12 symbols, 60 bits: out of reach of guessing under the login limits. */
const CODE_SYMBOLS = 12;
/** Longest code text accepted (with separators), before it is even normalised. */
const MAX_CODE_INPUT = 64;

export interface IssuedCode {
  userId: string;
  /** Shown once: only its hash is kept. Grouped in fours for reading ("ABCD-EFGH-JKMN"). */
  code: string;
  expiresAt: number;
}

/**
 * The canonical form of a typed code: case, separators and the letters Crockford's base32
 * reads as digits (O as 0, I and L as 1) do not matter.
 */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

const invalidCode = () =>
  new StarlingError(ErrorCode.ACTIVATION_CODE_INVALID, "wrong user id or activation code");
const usedCode = () =>
  new StarlingError(
    ErrorCode.ACTIVATION_CODE_USED,
    "this activation code was used already; log in with your password",
  );

/**
 * One-time activation codes: how a person invited by an administrator (an imported user, or one
 * given a temporary password) chooses their own password and gets a session, without the
 * temporary password ever being passed on. A code is random, stored hashed, expires after
 * limits.activationTtlMs, works once, and a new one replaces the previous. Wrong codes are
 * counted like failed logins (`LoginLimiter`), in their own count.
 */
export class Activation {
  private readonly limiter: LoginLimiter;

  constructor(
    private readonly store: AccountsStore,
    private readonly accounts: Accounts,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly limits: CoreLimits,
    private readonly log: Logger,
    private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.limiter = new LoginLimiter(limits.login, clock);
  }

  /**
   * A new code for an account that has not chosen its password yet (it must change the one it
   * was given). `also` runs in the same transaction (the administrator's audit entry).
   */
  async issue(userIdInput: string, createdBy: string, also?: AlsoInTx): Promise<IssuedCode> {
    const userId = fullUserId(userIdInput);
    const user = await this.store.read.getUser(userId);
    if (!user) throw notFound(`no user ${userId}`);
    if (!user.mustChangePassword)
      throw new StarlingError(
        ErrorCode.CONFLICT,
        `${userId} has chosen a password already; give them a temporary one first to invite them again`,
      );
    const bytes = this.random.bytes(CODE_SYMBOLS);
    let code = "";
    for (const b of bytes) code += ALPHABET[b & 31];
    const now = this.clock.now();
    const expiresAt = now + this.limits.activationTtlMs;
    await this.store.transaction(async (tx) => {
      await tx.putActivationCode({
        userId,
        codeHash: this.random.sha256(code),
        createdBy,
        createdAt: now,
        expiresAt,
        usedAt: 0,
      });
      await also?.(tx);
    });
    return { userId, code: code.replace(/(.{4})(?=.)/g, "$1-"), expiresAt };
  }

  /**
   * Sets the password the person chose and opens a session, if the code is theirs, unused and
   * not expired. The password rules are those of every password (`checkPasswordPolicy`); the
   * code is consumed in the transaction that sets the password, so two tries with one code
   * cannot both win. Every other session of the account ends, as with any password reset.
   */
  async activate(
    userIdInput: string,
    code: string,
    password: string,
    ip: string,
    device: DeviceInfo,
  ): Promise<Authenticated> {
    let userId: string;
    try {
      userId = completeUserId(userIdInput, this.accounts.defaultDomain);
    } catch {
      throw invalidCode();
    }
    const wait = this.limiter.lockedFor(userId, ip);
    if (wait > 0) {
      this.metrics.inc("starling_login_refused_locked_total");
      throw new StarlingError(ErrorCode.LOGIN_LOCKED, "too many wrong activation codes; try again later", {
        retryAfterMs: wait,
        retryable: true,
      });
    }
    const codeHash = code.length <= MAX_CODE_INPUT ? this.random.sha256(normaliseCode(code)) : "";
    const record = await this.store.read.getActivationCode(userId);
    // Hashes of a secret with 60 bits of entropy: comparing them leaks nothing worth timing.
    if (!record || codeHash === "" || record.codeHash !== codeHash) this.failed(userId, ip);
    const user = await this.store.read.getUser(userId);
    if (!user) this.failed(userId, ip);
    // A password chosen since (a login with the temporary one) also used the code up.
    if (record.usedAt > 0 || !user.mustChangePassword) throw usedCode();
    const now = this.clock.now();
    if (record.expiresAt <= now)
      throw new StarlingError(
        ErrorCode.ACTIVATION_CODE_EXPIRED,
        "this activation code has expired; ask your administrator for a new one",
      );
    await this.accounts.checkCanLogIn(user);
    this.limiter.recordSuccess(userId, ip);
    await this.accounts.setPassword(userId, password, false, async (tx) => {
      if (!(await tx.useActivationCode(userId, codeHash, now))) throw usedCode();
    });
    this.log.info({ user: userId, ip }, "account activated");
    return this.accounts.openSession({ ...user, mustChangePassword: false }, device);
  }

  private failed(userId: string, ip: string): never {
    const locked = this.limiter.recordFailure(userId, ip);
    this.metrics.inc("starling_login_failures_total");
    if (locked) this.metrics.inc("starling_login_lockouts_total", { scope: locked });
    this.log[locked ? "warn" : "info"](
      { user: userId, ip, ...(locked ? { locked } : {}) },
      "activation with a wrong code",
    );
    throw invalidCode();
  }
}

import { ErrorCode, StarlingError } from "@starling/protocol";
import { nameKeys } from "../directory/pinyin.js";
import { invalid, notFound } from "../kernel/errors.js";
import { completeUserId, domainOf, fullUserId, isValidDomain, localPartOf } from "../kernel/ids.js";
import {
  ADMIN_PAGE_MAX,
  type CoreLimits,
  MAX_PASSWORD_LENGTH,
  PROFILE_LIMITS,
  SESSION_TOUCH_MS,
} from "../kernel/limits.js";
import { type Metrics, NO_METRICS } from "../kernel/metrics.js";
import type { Bus, Clock, KickReason, Logger, PasswordHasher, Random } from "../kernel/ports.js";
import { EMPTY_PROFILE, type SessionRecord, type UserRecord, type UserRole } from "../kernel/records.js";
import { checkTextCharacters } from "../messaging/content.js";
import { isLegacyHash, verifyLegacyHash } from "./legacy-password.js";
import { FailureWindow, LoginLimiter } from "./login-limiter.js";
import {
  deriveScramKeys,
  type ScramCredential,
  type ScramMechanism,
  scramCredentials,
} from "./scram-keys.js";
import type { AccountsStore, AccountsTx } from "./store.js";

export interface DeviceInfo {
  deviceId: string;
  platform: string;
  /** ClientInfo.app_version: which client made the login, shown in the owner's list of sessions. */
  client?: string;
}

export interface Authenticated {
  user: UserRecord;
  /** Set only for a password login: the new token to hand to the client. */
  token?: string;
  tokenHash: string;
  expiresAt: number;
  /** A bot's token: what it may do (core/bots/scopes.ts). Undefined for a person's session. */
  scopes?: readonly string[];
}

export interface NewUser {
  id: string;
  displayName?: string;
  /** Absent for a bot, which has none and signs in with its tokens. */
  password?: string;
  /** A bot account (core/bots): no password, marked on its directory card. */
  bot?: boolean;
  role?: UserRole;
  /** The user must choose a new password at first login. */
  mustChangePassword?: boolean;
}

/** More writes for the same transaction as an account change. */
export type AlsoInTx = (tx: AccountsTx) => Promise<void>;

/**
 * Accounts, passwords and session tokens. Tokens are random and only their
 * sha256 is stored, so a stolen database yields no usable token.
 */
export class Accounts {
  private readonly limiter: LoginLimiter;
  /**
   * Wrong current passwords in ChangePassword, per account: only a holder of a session can guess
   * there, so this locks password changes and leaves logging in alone.
   */
  private readonly passwordChanges: FailureWindow;
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: AccountsStore,
    private readonly hasher: PasswordHasher,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly bus: Bus,
    private readonly limits: CoreLimits,
    private readonly log: Logger,
    readonly defaultDomain: string,
    /** Told after commit when a change moved a domain's directory version. */
    private readonly directoryChanged: (domain: string, version: number) => void = () => {},
    private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.limiter = new LoginLimiter(limits.login, clock);
    const { windowMs, maxFailuresPerAccountAddress, lockoutMs } = limits.login;
    this.passwordChanges = new FailureWindow(clock, windowMs, maxFailuresPerAccountAddress, lockoutMs);
  }

  async ensureDomain(name: string): Promise<boolean> {
    if (!isValidDomain(name)) throw invalid(`not a valid domain name: ${name}`, "domain");
    return this.store.transaction((tx) => tx.createDomain(name, this.clock.now()));
  }

  checkPasswordPolicy(userId: string, password: string): void {
    if (password.length < this.limits.passwordMinLength) {
      throw invalid(`password must have at least ${this.limits.passwordMinLength} characters`, "password");
    }
    if (password.length > MAX_PASSWORD_LENGTH) throw invalid("password is too long", "password");
    const lower = password.toLowerCase();
    if (lower === userId || lower === localPartOf(userId)) {
      throw invalid("password must not equal the user id", "password");
    }
  }

  /** `also` runs inside the same transaction (an administrator's audit entry). */
  async createUser(input: NewUser, also?: AlsoInTx): Promise<UserRecord> {
    const id = fullUserId(input.id);
    const password = input.bot ? undefined : (input.password ?? "");
    if (password !== undefined) this.checkPasswordPolicy(id, password);
    const displayName =
      (input.displayName ?? localPartOf(id)).trim().slice(0, PROFILE_LIMITS.displayName) || localPartOf(id);
    checkTextCharacters(displayName, "display_name");
    const keys = nameKeys(displayName);
    const user: UserRecord = {
      ...EMPTY_PROFILE,
      id,
      domain: domainOf(id),
      displayName,
      // A bot's empty hash matches no password: login refuses it before verifying.
      passwordHash: password === undefined ? "" : await this.hasher.hash(password),
      role: input.bot ? "user" : (input.role ?? "user"),
      bot: input.bot ?? false,
      disabled: false,
      createdAt: this.clock.now(),
      pinyin: keys.pinyin,
      pinyinInitials: keys.initials,
      mustChangePassword: input.mustChangePassword ?? false,
    };
    // SCRAM keys for the XMPP gateway, which checks logins against them without the password.
    const scram = password === undefined ? [] : await this.scramFor(id, password);
    const created = await this.store.transaction(async (tx) => {
      const domain = await tx.getDomain(user.domain);
      if (!domain) throw notFound(`unknown domain ${user.domain}`);
      user.version = await tx.nextDirectoryVersions(user.domain, 1);
      const inserted = await tx.insertUser(user);
      if (inserted) {
        await tx.putScramCredentials(scram);
        await also?.(tx);
      }
      return inserted;
    });
    if (!created) throw new StarlingError(ErrorCode.CONFLICT, `user ${id} already exists`);
    this.directoryChanged(user.domain, user.version);
    return user;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.store.read.getUser(id);
  }

  async listUsers(domain: string, afterId = "", limit = 100): Promise<UserRecord[]> {
    return this.store.read.listUsers(domain, afterId, Math.min(Math.max(limit, 1), ADMIN_PAGE_MAX));
  }

  /**
   * Sets a new password (an administrator's reset) and ends every session of
   * the user; a temporary password must be changed at the next login.
   */
  async setPassword(
    userIdInput: string,
    password: string,
    temporary = false,
    also?: AlsoInTx,
  ): Promise<void> {
    const id = fullUserId(userIdInput);
    this.checkPasswordPolicy(id, password);
    const passwordHash = await this.hasher.hash(password);
    const scram = await this.scramFor(id, password);
    await this.store.transaction(async (tx) => {
      if (!(await tx.updateUser(id, { passwordHash, mustChangePassword: temporary })))
        throw notFound(`no user ${id}`);
      await tx.putScramCredentials(scram);
      await tx.deleteSessionsOfUser(id);
      await also?.(tx);
    });
    this.bus.kick([id], "logged_out");
  }

  /**
   * The user's own change: the old password must match. Every other session
   * ends at once, on every node and every door (their tokens are deleted and
   * their connections kicked); the calling login (`keepTokenHash`) stays.
   */
  async changePassword(
    userId: string,
    oldPassword: string,
    newPassword: string,
    keepTokenHash: string,
  ): Promise<void> {
    // Guessing the current password through a stolen session is limited like logins, in its own count.
    const wait = this.passwordChanges.lockedFor(userId);
    if (wait > 0) {
      throw new StarlingError(ErrorCode.LOGIN_LOCKED, "too many wrong passwords; try again later", {
        retryAfterMs: wait,
        retryable: true,
      });
    }
    const user = await this.store.read.getUser(userId);
    const ok =
      user !== undefined &&
      oldPassword.length <= MAX_PASSWORD_LENGTH &&
      (await this.checkPassword(user, oldPassword));
    if (!ok) {
      const locked = this.passwordChanges.fail(userId);
      this.log[locked ? "warn" : "info"](
        { user: userId, locked },
        "password change with a wrong current password",
      );
      throw new StarlingError(ErrorCode.BAD_CREDENTIALS, "the current password is wrong");
    }
    this.checkPasswordPolicy(userId, newPassword);
    if (newPassword === oldPassword)
      throw invalid("the new password must differ from the current one", "new_password");
    const passwordHash = await this.hasher.hash(newPassword);
    const scram = await this.scramFor(userId, newPassword);
    await this.store.transaction(async (tx) => {
      await tx.updateUser(userId, { passwordHash, mustChangePassword: false });
      await tx.putScramCredentials(scram);
      await tx.deleteSessionsOfUser(userId, keepTokenHash);
    });
    this.bus.kick([userId], "logged_out", keepTokenHash);
  }

  /** Freezes or unfreezes an account; frozen is on the directory card, so it takes a directory version. */
  async setDisabled(userIdInput: string, disabled: boolean, also?: AlsoInTx): Promise<void> {
    const id = fullUserId(userIdInput);
    const version = await this.store.transaction(async (tx) => {
      const v = await tx.nextDirectoryVersions(domainOf(id), 1);
      if (!(await tx.updateUser(id, { disabled, version: v }))) throw notFound(`no user ${id}`);
      if (disabled) await tx.deleteSessionsOfUser(id);
      await also?.(tx);
      return v;
    });
    if (disabled) this.bus.kick([id], "disabled");
    this.directoryChanged(domainOf(id), version);
  }

  /** Password login, under the limits of `LoginLimiter`. */
  async login(userIdInput: string, password: string, ip: string, device: DeviceInfo): Promise<Authenticated> {
    let id: string;
    try {
      // Nobody is known before a login: a bare id is one of the server's default domain.
      id = completeUserId(userIdInput, this.defaultDomain);
    } catch {
      throw new StarlingError(ErrorCode.BAD_CREDENTIALS, "wrong user id or password");
    }
    const wait = this.limiter.lockedFor(id, ip);
    if (wait > 0) {
      this.metrics.inc("starling_login_refused_locked_total");
      throw new StarlingError(ErrorCode.LOGIN_LOCKED, "too many failed logins; try again later", {
        retryAfterMs: wait,
        retryable: true,
      });
    }
    const user = await this.store.read.getUser(id);
    // Verify against a dummy hash for unknown users so timing does not reveal which ids exist.
    const ok =
      password.length <= MAX_PASSWORD_LENGTH &&
      (user && !user.bot
        ? await this.checkPassword(user, password)
        : (await this.hasher.verify(await this.getDummyHash(), password)) && false);
    if (!user || !ok) this.failed(id, ip);
    await this.checkCanLogIn(user);
    this.limiter.recordSuccess(id, ip);
    await this.refreshScram(user.id, password);
    return this.openSession(user, device);
  }

  /**
   * Whether the password is the user's. A hash migrated from another system
   * (legacy-password.ts) is checked once: on a match it is replaced by this
   * server's own hash at once, so the old, weak hash is gone after the first login.
   */
  private async checkPassword(user: UserRecord, password: string): Promise<boolean> {
    if (!isLegacyHash(user.passwordHash)) return this.hasher.verify(user.passwordHash, password);
    if (!verifyLegacyHash(user.passwordHash, password)) {
      // As slow as a wrong password against this server's own hash: timing must not tell
      // which users still have an old one.
      await this.hasher.verify(await this.getDummyHash(), password);
      return false;
    }
    const passwordHash = await this.hasher.hash(password);
    await this.store.transaction((tx) => tx.updateUser(user.id, { passwordHash }));
    return true;
  }

  /** A new session for a user whose credentials were checked (a password, an activation code). */
  async openSession(user: UserRecord, device: DeviceInfo): Promise<Authenticated> {
    const token = Buffer.from(this.random.bytes(32)).toString("base64url");
    const now = this.clock.now();
    const session: SessionRecord = {
      tokenHash: this.random.sha256(token),
      userId: user.id,
      deviceId: device.deviceId,
      platform: device.platform,
      client: device.client ?? "",
      createdAt: now,
      lastActiveAt: now,
      expiresAt: now + this.limits.sessionTtlMs,
    };
    await this.store.transaction((tx) => tx.insertSession(session));
    return { user, token, tokenHash: session.tokenHash, expiresAt: session.expiresAt };
  }

  async resume(token: string): Promise<Authenticated> {
    const tokenHash = this.random.sha256(token);
    const session =
      token.length > 0 && token.length <= 256 ? await this.store.read.getSession(tokenHash) : undefined;
    if (!session) return this.resumeBot(token, tokenHash);
    if (session.expiresAt <= this.clock.now()) {
      throw new StarlingError(ErrorCode.TOKEN_INVALID, "session token is invalid or expired");
    }
    const user = await this.store.read.getUser(session.userId);
    if (!user) throw new StarlingError(ErrorCode.TOKEN_INVALID, "session token is invalid or expired");
    await this.checkCanLogIn(user);
    const now = this.clock.now();
    if (now - session.lastActiveAt >= SESSION_TOUCH_MS) {
      // Only what the owner's list of sessions shows: a failed stamp must not refuse the login.
      this.store
        .transaction((tx) => tx.touchSession(tokenHash, now))
        .catch((err) => {
          this.log.warn({ err }, "could not record a session's last use");
        });
    }
    return { user, tokenHash, expiresAt: session.expiresAt };
  }

  /**
   * A bot's token, the same way in as a session's (Hello token, HTTP Bearer): it does not
   * expire; it lasts until an administrator revokes it, and carries the scopes it grants.
   */
  private async resumeBot(token: string, tokenHash: string): Promise<Authenticated> {
    const bot =
      token.length > 0 && token.length <= 256 ? await this.store.read.getBotToken(tokenHash) : undefined;
    const user = bot ? await this.store.read.getUser(bot.botId) : undefined;
    if (!bot || !user?.bot)
      throw new StarlingError(ErrorCode.TOKEN_INVALID, "session token is invalid or expired");
    await this.checkCanLogIn(user);
    return { user, tokenHash, expiresAt: Number.MAX_SAFE_INTEGER, scopes: bot.scopes };
  }

  /**
   * Whether a connection's login still stands, and why not: its token was
   * revoked or expired ("logged_out"), or the account or domain was frozen
   * ("disabled"). For connections whose kick may have been lost on the way
   * between nodes.
   */
  async standing(tokenHash: string): Promise<KickReason | undefined> {
    const session = await this.store.read.getSession(tokenHash);
    if (!session) {
      const bot = await this.store.read.getBotToken(tokenHash);
      return bot ? this.accountStanding(bot.botId) : "logged_out";
    }
    if (session.expiresAt <= this.clock.now()) return "logged_out";
    return this.accountStanding(session.userId);
  }

  /** Why a user may no longer be signed in at all (gone, disabled, frozen), if they may not. */
  async accountStanding(userId: string): Promise<KickReason | undefined> {
    const user = await this.store.read.getUser(userId);
    if (!user) return "logged_out";
    try {
      await this.checkCanLogIn(user);
    } catch {
      return "disabled";
    }
    return undefined;
  }

  /** Swaps a valid token for a new one with a fresh lifetime; the old one stops working. */
  async refresh(token: string): Promise<Authenticated> {
    const current = await this.resume(token);
    const session = await this.store.read.getSession(current.tokenHash);
    if (!session) throw new StarlingError(ErrorCode.TOKEN_INVALID, "session token is invalid or expired");
    const fresh = Buffer.from(this.random.bytes(32)).toString("base64url");
    const now = this.clock.now();
    const next: SessionRecord = {
      ...session,
      tokenHash: this.random.sha256(fresh),
      createdAt: now,
      lastActiveAt: now,
      expiresAt: now + this.limits.sessionTtlMs,
    };
    await this.store.transaction(async (tx) => {
      await tx.deleteSession(current.tokenHash);
      await tx.insertSession(next);
    });
    return { user: current.user, token: fresh, tokenHash: next.tokenHash, expiresAt: next.expiresAt };
  }

  async logout(tokenHash: string): Promise<void> {
    await this.store.transaction((tx) => tx.deleteSession(tokenHash));
  }

  /**
   * The first half of a SCRAM login (RFC 5802) through the XMPP gateway, which checks the proof
   * itself: refused while the account or the address is locked out, like a password login. No
   * credential when the user is unknown or their password was never set or checked since the
   * keys were introduced.
   */
  async scramCredential(
    userIdInput: string,
    mechanism: ScramMechanism,
    ip: string,
  ): Promise<{ userId: string; credential?: ScramCredential }> {
    let userId: string;
    try {
      userId = completeUserId(userIdInput, this.defaultDomain);
    } catch {
      throw new StarlingError(ErrorCode.BAD_CREDENTIALS, "wrong user id or password");
    }
    const wait = this.limiter.lockedFor(userId, ip);
    if (wait > 0) {
      this.metrics.inc("starling_login_refused_locked_total");
      throw new StarlingError(ErrorCode.LOGIN_LOCKED, "too many failed logins; try again later", {
        retryAfterMs: wait,
        retryable: true,
      });
    }
    const credential = await this.store.read.getScramCredential(userId, mechanism);
    return credential ? { userId, credential } : { userId };
  }

  /** The second half: a wrong proof counts as a failed login; a right one still needs a usable account. */
  async scramFinish(userId: string, ip: string, proofOk: boolean): Promise<UserRecord> {
    const user = proofOk ? await this.store.read.getUser(userId) : undefined;
    if (!user) this.failed(userId, ip);
    await this.checkCanLogIn(user);
    this.limiter.recordSuccess(userId, ip);
    return user;
  }

  /** Every failed login of every door passes here: counted, logged (never the password), refused. */
  private failed(userId: string, ip: string): never {
    const locked = this.limiter.recordFailure(userId, ip);
    this.metrics.inc("starling_login_failures_total");
    if (locked) this.metrics.inc("starling_login_lockouts_total", { scope: locked });
    this.log[locked ? "warn" : "info"]({ user: userId, ip, ...(locked ? { locked } : {}) }, "login failed");
    throw new StarlingError(ErrorCode.BAD_CREDENTIALS, "wrong user id or password");
  }

  private scramFor(userId: string, password: string): Promise<ScramCredential[]> {
    return scramCredentials(userId, password, (n) => this.random.bytes(n));
  }

  /** After a password checked in plain text: SCRAM keys for users who have none, or stale ones. */
  private async refreshScram(userId: string, password: string): Promise<void> {
    const current = await this.store.read.getScramCredential(userId, "SCRAM-SHA-256");
    if (current) {
      const keys = await deriveScramKeys(current.mechanism, password, current.salt, current.iterations);
      if (Buffer.from(keys.storedKey).equals(current.storedKey)) return;
    }
    const scram = await this.scramFor(userId, password);
    await this.store.transaction((tx) => tx.putScramCredentials(scram));
  }

  /** Frozen accounts, people who left and users of a disabled domain cannot log in. */
  async checkCanLogIn(user: UserRecord): Promise<void> {
    if (user.disabled || user.status === "left")
      throw new StarlingError(ErrorCode.ACCOUNT_DISABLED, "this account is disabled");
    const domain = await this.store.read.getDomain(user.domain);
    if (!domain || domain.disabled)
      throw new StarlingError(ErrorCode.DOMAIN_DISABLED, "this domain is disabled");
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(Buffer.from(this.random.bytes(16)).toString("hex"));
    return this.dummyHash;
  }
}

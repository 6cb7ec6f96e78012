import type {
  ActivationCodeRecord,
  AuditRecord,
  BotTokenRecord,
  ConversationRecord,
  DomainRecord,
  SessionRecord,
  UserRecord,
  UserSettingsRecord,
} from "../kernel/records.js";
import type {
  AuditWriter,
  ConversationReader,
  StorePort,
  UserReader,
  UserWriter,
} from "../kernel/shared-store.js";
import type { ScramCredential, ScramMechanism } from "./scram-keys.js";

/** What only accounts and administration read: sessions, SCRAM keys, and the lists administrators page through. */
export interface AccountsReads {
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  /** A bot's token (core/bots makes them): read here, so a token signs in one way, whoever holds it. */
  getBotToken(tokenHash: string): Promise<BotTokenRecord | undefined>;
  /** Every session of the user that has not expired at `now`, any order. */
  listSessionsOfUser(userId: string, now: number): Promise<SessionRecord[]>;
  /** The user's roaming settings, if they ever saved any. */
  getUserSettings(userId: string): Promise<UserSettingsRecord | undefined>;
  /** SCRAM keys of users' passwords, for the XMPP gateway's SASL (RFC 5802). */
  getScramCredential(userId: string, mechanism: ScramMechanism): Promise<ScramCredential | undefined>;
  listUsers(domain: string, afterId: string, limit: number): Promise<UserRecord[]>;
  listDomains(): Promise<DomainRecord[]>;
  listGroups(domain: string, afterId: string, limit: number): Promise<ConversationRecord[]>;
  /** Audit entries of the domain, newest first, older than `beforeAt` (0: from now). */
  listAudit(domain: string, beforeAt: number, limit: number): Promise<AuditRecord[]>;
}

/** What only accounts and administration write: sessions, SCRAM keys, domains. */
export interface AccountsWrites {
  insertSession(session: SessionRecord): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Stamps a session's last use. */
  touchSession(tokenHash: string, at: number): Promise<void>;
  /** Inserts or replaces the user's settings. */
  putUserSettings(userId: string, settings: UserSettingsRecord): Promise<void>;
  /** Replaces the user's keys of each mechanism given. */
  putScramCredentials(credentials: readonly ScramCredential[]): Promise<void>;
  setDomainDisabled(name: string, disabled: boolean): Promise<boolean>;
  /** 0 means the server's setting. */
  setDomainFileLimits(name: string, limits: { maxFileBytes: number; quotaBytes: number }): Promise<boolean>;
  /** "" means the server's setting. */
  setDomainPushPreviews(name: string, previews: DomainRecord["pushPreviews"]): Promise<boolean>;
}

/** Activation codes (activation.ts), one per user. */
export interface ActivationReads {
  /** The user's current activation code, used or not. */
  getActivationCode(userId: string): Promise<ActivationCodeRecord | undefined>;
}

export interface ActivationWrites {
  /** Stores the user's activation code, replacing (and so revoking) the one they had. */
  putActivationCode(code: ActivationCodeRecord): Promise<void>;
  /** Marks the code used if it is this one and still unused; false when another request was first. */
  useActivationCode(userId: string, codeHash: string, at: number): Promise<boolean>;
}

export interface AccountsReader extends UserReader, ConversationReader, AccountsReads, ActivationReads {}

export interface AccountsTx
  extends AccountsReader,
    UserWriter,
    AuditWriter,
    AccountsWrites,
    ActivationWrites {}

/** The store as accounts and administration see it. */
export type AccountsStore = StorePort<AccountsReader, AccountsTx>;

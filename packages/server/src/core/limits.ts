/** Tunable limits of the core; main fills them from configuration. */
export interface CoreLimits {
  recallWindowMs: number;
  groupMaxMembers: number;
  maxTextLength: number;
  maxCustomJsonBytes: number;
  maxMentions: number;
  maxClientMsgIdLength: number;
  maxGroupNameLength: number;
  /** Most user ids accepted in one request (create group, add members, presence). */
  maxIdsPerRequest: number;
  historyMaxLimit: number;
  syncMaxLimit: number;
  sessionTtlMs: number;
  passwordMinLength: number;
  /** Pages (history, sync) stop growing at about this many bytes, to stay below the frame limit. */
  maxResponseBytes: number;
  login: LoginLimits;
}

/** The login policy of `login-limiter.ts`: failures counted in `windowMs`, each limit locking for `lockoutMs`. */
export interface LoginLimits {
  windowMs: number;
  /** One account from one address (or IPv6 /64): locks that address out of that account. */
  maxFailuresPerAccountAddress: number;
  /** One address across accounts: locks it out of every account it does not know. */
  maxFailuresPerIp: number;
  /** One account across addresses: closes it to the addresses it does not know. */
  maxFailuresPerAccount: number;
  lockoutMs: number;
  /** How long a successful login makes its address known to the account. */
  knownAddressMs: number;
}

export const DEFAULT_LIMITS: CoreLimits = {
  recallWindowMs: 2 * 60 * 1000,
  groupMaxMembers: 2000,
  maxTextLength: 16 * 1024,
  maxCustomJsonBytes: 32 * 1024,
  maxMentions: 100,
  maxClientMsgIdLength: 64,
  maxGroupNameLength: 64,
  maxIdsPerRequest: 500,
  historyMaxLimit: 200,
  syncMaxLimit: 500,
  sessionTtlMs: 30 * 24 * 3600 * 1000,
  passwordMinLength: 8,
  maxResponseBytes: 512 * 1024,
  login: {
    windowMs: 5 * 60 * 1000,
    maxFailuresPerAccountAddress: 5,
    maxFailuresPerIp: 50,
    maxFailuresPerAccount: 20,
    lockoutMs: 5 * 60 * 1000,
    knownAddressMs: 30 * 24 * 3600 * 1000,
  },
};

import { MAX_CLIENT_MSG_ID_LENGTH } from "@starling/protocol";
import type { ConnectionLimits } from "./connection-limiter.js";

/** Tunable limits of the core; main fills them from configuration. */
export interface CoreLimits {
  recallWindowMs: number;
  /** How long after sending the sender may edit a message; 0: no limit. */
  editWindowMs: number;
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
  /** How long an activation code (a new person's first password) stays usable. */
  activationTtlMs: number;
  /** Pages (history, sync) stop growing at about this many bytes, to stay below the frame limit. */
  maxResponseBytes: number;
  /** Push devices one user may register; one more removes their least recently used. */
  maxPushDevicesPerUser: number;
  login: LoginLimits;
  connections: ConnectionLimits;
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
  editWindowMs: 24 * 3600 * 1000,
  groupMaxMembers: 2000,
  maxTextLength: 16 * 1024,
  maxCustomJsonBytes: 32 * 1024,
  maxMentions: 100,
  maxClientMsgIdLength: MAX_CLIENT_MSG_ID_LENGTH,
  maxGroupNameLength: 64,
  maxIdsPerRequest: 500,
  historyMaxLimit: 200,
  syncMaxLimit: 500,
  sessionTtlMs: 30 * 24 * 3600 * 1000,
  passwordMinLength: 8,
  activationTtlMs: 7 * 24 * 3600 * 1000,
  maxResponseBytes: 512 * 1024,
  maxPushDevicesPerUser: 20,
  login: {
    windowMs: 5 * 60 * 1000,
    maxFailuresPerAccountAddress: 5,
    maxFailuresPerIp: 50,
    maxFailuresPerAccount: 20,
    lockoutMs: 5 * 60 * 1000,
    knownAddressMs: 30 * 24 * 3600 * 1000,
  },
  connections: {
    maxPerAddress: 1000,
    maxUnauthenticatedPerAddress: 100,
    maxSessionsPerUser: 30,
    exemptAddresses: [],
  },
};

/*
 * Sizes the core checks that are not configured. The core's checks and every door's schema take
 * them from here, so a door never states a bound of its own for what the core decides.
 */

/** A domain name (RFC 1035): at most 253 characters. */
export const MAX_DOMAIN_LENGTH = 253;
/** The part of a user id before the `@`. */
export const MAX_LOCAL_PART_LENGTH = 64;
/** A full user id, `local@domain`; a bare id (local part only) is shorter. */
export const MAX_USER_ID_LENGTH = MAX_LOCAL_PART_LENGTH + 1 + MAX_DOMAIN_LENGTH;
/** Each user id inside a 1:1 conversation id, `d:<a>|<b>`. */
export const MAX_DIRECT_PEER_LENGTH = 140;
/** A conversation id: the 1:1 form `d:<a>|<b>` is the longer one (groups are `g:` and at most 40). */
export const MAX_CONVERSATION_ID_LENGTH = 2 + MAX_DIRECT_PEER_LENGTH + 1 + MAX_DIRECT_PEER_LENGTH;
/** Any id a request names in its path (a user, conversation, group, department or file). */
export const MAX_ID_LENGTH = Math.max(MAX_USER_ID_LENGTH, MAX_CONVERSATION_ID_LENGTH);
/** A password, at login and when one is set (the shortest is limits.passwordMinLength). */
export const MAX_PASSWORD_LENGTH = 256;
/** What a login keeps of the client's device id and platform name. */
export const MAX_DEVICE_ID_LENGTH = 128;
export const MAX_PLATFORM_LENGTH = 32;
/** ClientInfo.app_version as kept with a login ("Starling Web 0.1 · Chrome on Linux"). */
export const MAX_CLIENT_LENGTH = 100;

/** Directory profile fields, in characters after trimming. */
export const PROFILE_LIMITS = {
  displayName: 100,
  title: 100,
  email: 254,
  phone: 40,
  avatar: 500,
  /** A status message shown next to the name, as Slack's (100 characters). */
  statusText: 100,
} as const;

/**
 * A session's last use is written at most this often: a reconnect or an HTTP request writes
 * nothing when the session was stamped more recently, so a busy client costs no write per request.
 */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

/** Departments: the id an administrator may choose, the name, the sort order, how deep and how many. */
export const DEPARTMENT_LIMITS = {
  idLength: 64,
  nameLength: 100,
  /** The sort order lies in -maxSortOrder..maxSortOrder. */
  maxSortOrder: 1_000_000,
  maxDepth: 32,
  /** Departments a user belongs to beside their main one. */
  maxOtherDepartments: 20,
} as const;

/** A group's announcement, in characters after trimming (a page of text, as workplace apps allow). */
export const MAX_ANNOUNCEMENT_LENGTH = 2000;
/** How long a group invite link works after it is made. */
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;
/** An invite token as handed out (base64url of 24 random bytes); longer input is refused unread. */
export const MAX_INVITE_TOKEN_LENGTH = 64;

/** An uploaded file's id, as the core hands them out and accepts them in attachments. */
export const MAX_FILE_ID_LENGTH = 64;
/** A stored file name, in characters (a longer one is cut to this). */
export const MAX_FILE_NAME_LENGTH = 255;
/** A Content-Type an upload slot may require. */
export const MAX_CONTENT_TYPE_LENGTH = 255;

/**
 * Emoji reactions: one reaction is a short string (an emoji, with its skin tone and joiners, is
 * at most a handful of code points); a message holds at most `perMessage` distinct ones, and one
 * user puts at most `perUser` on one message, so a message row stays small.
 */
export const REACTION_LIMITS = {
  maxCodePoints: 16,
  perMessage: 50,
  perUser: 20,
} as const;

/**
 * Pinned messages, hidden messages and favourites. Pins are shown to every member on top of the
 * chat, so a handful; a conversation carries every seq its member hid, so that list stays small
 * enough for a sync page; favourites are paged.
 */
export const MESSAGE_MARK_LIMITS = {
  pinnedPerConversation: 20,
  hiddenPerConversation: 5000,
  /** Seqs in one HideMessages request. */
  hidePerRequest: 500,
  favouritesPerUser: 10_000,
  favouritesPageMax: 100,
  favouritesPageDefault: 50,
  /** A favourite id as the core makes them (time in base 36, then random hex). */
  favouriteIdLength: 25,
} as const;

/** Most rows in one page of an administrator's listing (users, groups, audit). */
export const ADMIN_PAGE_MAX = 1000;

/*
 * What the doors accept is derived from the limits above, never restated by hand: a door that
 * refused less than the core allows would make a raised setting work over one door and not
 * another. The core still checks every value; these only size what a door reads before it can.
 */

/** Room in one message for everything beside its text: ids, mentions, attachments, custom JSON. */
function messageOverheadBytes(l: CoreLimits): number {
  return 64 * 1024 + l.maxCustomJsonBytes;
}

/** The largest encoded send or message: every text code unit may take 3 bytes of UTF-8. */
export function maxMessageBytes(l: CoreLimits): number {
  return l.maxTextLength * 3 + messageOverheadBytes(l);
}

/** The largest JSON body of one send over HTTP: an escaped code unit takes at most 6 bytes (`\uXXXX`). */
export function maxJsonMessageBytes(l: CoreLimits): number {
  return l.maxTextLength * 6 + messageOverheadBytes(l);
}

/** The largest message stanza over XMPP, in characters: an escaped character takes at most 6 (`&quot;`). */
export function maxXmlMessageChars(l: CoreLimits): number {
  return l.maxTextLength * 6 + messageOverheadBytes(l);
}

/** The native frame limit in effect: the configured one, raised to hold the largest message. */
export function nativeFrameBytes(configured: number, l: CoreLimits): number {
  return Math.max(configured, maxMessageBytes(l));
}

/** Fixed sizes of federation links (docs/federation.md). */
export const FEDERATION_LIMITS = {
  /** host:port of a peer's listener: a domain name, a colon and five digits. */
  endpointLength: MAX_DOMAIN_LENGTH + 6,
  caPathLength: 1024,
  /** Entries of one kind (users, departments, groups) in a link's allow-list. */
  allowEntries: 1000,
  /** A frame kind's name ("ping", ...). */
  kindLength: 32,
  /** The text of a "ping" frame. */
  pingBodyLength: 256,
  /** Frames read from the outbox at a time while sending. */
  sendBatch: 256,
} as const;

/**
 * The largest payload of a federation frame: federation.maxFrameBytes less the envelope around it
 * (tags and lengths, a seq of up to 10 bytes, a kind of up to `FEDERATION_LIMITS.kindLength`).
 */
export function federationPayloadBytes(maxFrameBytes: number): number {
  return maxFrameBytes - 64;
}

/**
 * A push registration's fields, in UTF-8 bytes. A token is an APNs device token (64 hex), an FCM
 * registration token (about 160), a vendor's token, or a Web Push subscription as JSON, whose
 * endpoint URL is the long part; 4 KiB holds all of them.
 */
export const PUSH_DEVICE_LIMITS = {
  /** A provider's name is a short word ("webpush", "huawei"); only configured ones are accepted. */
  providerLength: 32,
  tokenBytes: 4096,
  appIdBytes: 255,
  /** A BCP 47 language tag ("zh-Hans-CN"); RFC 5646 section 4.4.1 asks for at least 35 characters. */
  localeLength: 35,
} as const;

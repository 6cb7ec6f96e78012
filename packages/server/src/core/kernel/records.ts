/** Rows the core reads and writes through the Store port. */

export type UserRole = "admin" | "user";
export type MemberRole = "owner" | "admin" | "member";
export type ConversationKind = "direct" | "group";

export type EmploymentStatus = "active" | "left";

/** The directory fields of a user; every one has an empty default. */
export interface ProfileFields {
  /** Full pinyin of the display name without spaces ("zhangsan"); derived, never input. */
  pinyin: string;
  /** First letters of the pinyin syllables ("zs"); derived. */
  pinyinInitials: string;
  title: string;
  email: string;
  phone: string;
  avatar: string;
  /** The primary department ("" when none). */
  departmentId: string;
  /** active, or left: keeps history but cannot log in and leaves the directory. */
  status: EmploymentStatus;
  /** Must set a new password before doing anything else (imported and reset accounts). */
  mustChangePassword: boolean;
  /** A short text shown to colleagues next to the name ("" when none). */
  statusText: string;
  /** When the user is not to be disturbed; whether it holds is `inDoNotDisturb` (protocol/dnd.ts). */
  dnd: DndRecord;
  /** Domain directory version of the last change to this user. */
  version: number;
  /** A bot account (core/bots): no password; signs in with its tokens only. */
  bot: boolean;
}

export interface DndRecord {
  on: boolean;
  /** With `on`: Unix ms at which it ends by itself; 0: when turned off. */
  until: number;
  daily: boolean;
  /** Minutes after midnight on the clock of `timeZone`; equal values mean no daily hours. */
  fromMinute: number;
  toMinute: number;
  timeZone: string;
}

export const NO_DND: DndRecord = {
  on: false,
  until: 0,
  daily: false,
  fromMinute: 0,
  toMinute: 0,
  timeZone: "",
};

export interface UserRecord extends ProfileFields {
  id: string; // "alice@example.com"
  domain: string;
  displayName: string;
  passwordHash: string;
  role: UserRole;
  /** Frozen by an administrator: cannot log in. */
  disabled: boolean;
  createdAt: number;
}

export const EMPTY_PROFILE: ProfileFields = {
  pinyin: "",
  pinyinInitials: "",
  title: "",
  email: "",
  phone: "",
  avatar: "",
  departmentId: "",
  status: "active",
  mustChangePassword: false,
  statusText: "",
  dnd: NO_DND,
  version: 0,
  bot: false,
};

export interface DepartmentRecord {
  id: string;
  domain: string;
  /** "" for a top-level department. */
  parentId: string;
  name: string;
  sortOrder: number;
  /** Deleted departments stay as tombstones so "changes since" can report the removal. */
  deleted: boolean;
  version: number;
}

export interface AuditRecord {
  id: string;
  at: number;
  domain: string;
  /** The acting user id, or "system" for the local admin key. */
  actor: string;
  /** e.g. "user.create", "department.delete". */
  action: string;
  target: string;
  /** Where the request came from (client address, or "cli"). */
  source: string;
  /** JSON object with the action's parameters (never a password). */
  details: string;
}

export interface SessionRecord {
  tokenHash: string;
  userId: string;
  deviceId: string;
  platform: string;
  /** ClientInfo.app_version of the login ("" when the client gave none). */
  client: string;
  createdAt: number;
  /** The last login, reconnect or request, to within `SESSION_TOUCH_MS`. */
  lastActiveAt: number;
  expiresAt: number;
}

/** A user's settings that follow them to every device. */
export interface UserSettingsRecord {
  desktopNotifications: boolean;
  notificationSound: boolean;
  messagePreviews: boolean;
  /** Grows with every change; 0 before the first. */
  version: number;
}

export const DEFAULT_SETTINGS: UserSettingsRecord = {
  desktopNotifications: true,
  notificationSound: true,
  messagePreviews: true,
  version: 0,
};

export interface ConversationRecord {
  id: string;
  kind: ConversationKind;
  domain: string;
  name: string;
  lastSeq: number;
  memberCount: number;
  /** Bumped whenever the member list changes; keys the fan-out cache. */
  memberVersion: number;
  disbanded: boolean;
  createdAt: number;
  /** Change-stream version of the last change to this row. */
  version: number;
  /** Groups: the current announcement ("" for none), who set it and when (0 when never). */
  announcement?: string;
  announcementBy?: string;
  announcementAt?: number;
  /** Groups: the picture's path under the HTTP API, "" when none. */
  avatar?: string;
}

/** An invite link to a group; only the token's hash is kept. */
export interface InviteRecord {
  tokenHash: string;
  conversationId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  /** When it was revoked; 0 while usable. */
  revokedAt: number;
}

/**
 * A one-time code with which a person sets their first password (or replaces a temporary one);
 * only the code's hash is kept, one per user.
 */
export interface ActivationCodeRecord {
  userId: string;
  codeHash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  /** When it was used; 0 while usable. */
  usedAt: number;
}

export interface MemberRecord {
  conversationId: string;
  userId: string;
  role: MemberRole;
  active: boolean;
  readSeq: number;
  deliveredSeq: number;
  joinedAt: number;
  version: number;
  /** The member's own settings: when they pinned the conversation (0: not pinned), and muted. */
  pinnedAt?: number;
  muted?: boolean;
  /** The announcementAt of the group announcement the member dismissed (0: none). */
  announcementSeenAt?: number;
  /** For a member who left: the last seq they may still read (what they saw); 0 while active. */
  leftSeq?: number;
}

export interface MessageRecord {
  conversationId: string;
  seq: number;
  senderId: string;
  clientMsgId: string;
  serverTime: number;
  /** Encoded starling.v1.Content, or null for events and recalled messages. */
  content: Uint8Array | null;
  /** Encoded starling.v1.Event, or null for user messages. */
  event: Uint8Array | null;
  recalledBy: string | null;
  recalledAt: number | null;
  /** When the sender last edited the content (ms); absent or 0 when never. */
  editedAt?: number;
  /** Emoji reactions, each emoji once, in the order first used; absent when none. */
  reactions?: ReactionRecord[];
  /**
   * On a message_edited event row: the seq it edited. Such a row keeps the edit's content in
   * `content`, so a recall of the target finds and deletes every version of the text.
   */
  editOf?: number;
  /**
   * sha256 of the content as its sender sent it (before the server filled in attachments),
   * which tells a retry from a reuse of the client_msg_id; absent for events and old rows.
   */
  contentDigest?: string;
}

/** One emoji on a message and who reacted with it, in the order they did. */
export interface ReactionRecord {
  emoji: string;
  userIds: string[];
}

/** Where a conversation's history ends: its last seq and the server time of that message. */
export interface ConversationTail {
  conversationId: string;
  lastSeq: number;
  lastTime: number;
}

/** One row of a user's change stream: a conversation and this user's membership in it. */
export interface ConversationView {
  conversation: ConversationRecord;
  member: MemberRecord;
  /** max(conversation.version, member.version): the position in the change stream. */
  version: number;
}

/** An uploaded file: who uploaded it, what it is, and the content it names (by SHA-256). */
export interface FileRecord {
  id: string;
  domain: string;
  uploader: string;
  /** Lower-case hex; names the blob, shared by every upload of the same bytes. */
  sha256: string;
  size: number;
  /** Sniffed from the bytes, never taken from the client. */
  mime: string;
  /** The file name as given, cleaned (no path, no control characters). */
  name: string;
  createdAt: number;
  /** Images and videos, in pixels, when known. */
  width: number | null;
  height: number | null;
  /** Audio and video, when known. */
  durationMs: number | null;
  /** A small WebP preview of an image, when one was made. */
  thumbSha256: string | null;
}

/** A message a user saved (a favourite), named by conversation and seq; the message is read when listed. */
export interface FavouriteRecord {
  /** Sorts by the time it was saved: newest first is id descending. */
  id: string;
  userId: string;
  conversationId: string;
  seq: number;
  savedAt: number;
}

/** A device registered for push notifications (push.proto PushDevice). */
export interface PushDeviceRecord {
  id: string;
  userId: string;
  provider: string;
  platform: string;
  appId: string;
  token: string;
  locale: string;
  createdAt: number;
  lastUsedAt: number;
}

/** A file shared by a message. */
export interface FileShare {
  fileId: string;
  conversationId: string;
  seq: number;
}

export interface DomainRecord {
  name: string;
  disabled: boolean;
  createdAt: number;
  /** Largest file, in bytes; 0 for the server's setting. */
  maxFileBytes: number;
  /** Total bytes of uploads allowed; 0 for the server's setting. */
  quotaBytes: number;
  /** Total bytes of uploads so far. */
  usedBytes: number;
  /** Whether push notifications carry the message text: "" for the server's push.previews. */
  pushPreviews: "" | "none" | "text";
}

/** A stored message's mention of a user, or of everyone ("@all"). */
export interface MentionEntry {
  /** The user mentioned, or "@all". */
  userId: string;
  conversationId: string;
  seq: number;
  senderId: string;
  serverTime: number;
}

/** Where a page of mentions stopped: the last one given, newest first. */
export interface MentionPosition {
  serverTime: number;
  conversationId: string;
  seq: number;
}

/**
 * Who on this side a peer domain may reach over a link: user ids, department ids and group ids.
 * Empty lists reach nobody: a link carries nothing to a user until an operator allows it.
 */
export interface FederationAllowList {
  users: string[];
  departments: string[];
  groups: string[];
}

/** A link to another Starling domain (docs/federation.md). */
export interface FederationLinkRecord {
  peerDomain: string;
  localDomain: string;
  /** host:port of the peer's federation listener. */
  endpoint: string;
  /** SHA-256 fingerprint of the peer's certificate, colon hex; "" when `caPath` is the trust. */
  pin: string;
  /** A PEM file of the CA that signs the peer's certificate; "" when `pin` is the trust. */
  caPath: string;
  allow: FederationAllowList;
  state: "active" | "suspended";
  createdAt: number;
  updatedAt: number;
}

/** A frame waiting in the outbox for its peer's acknowledgement. */
export interface FederationFrameRecord {
  id: string;
  peerDomain: string;
  seq: number;
  kind: string;
  payload: Uint8Array;
  createdAt: number;
}

/** A bot's token (core/bots): only its sha256 is kept, like a session token's. */
export interface BotTokenRecord {
  tokenHash: string;
  /** Public handle an administrator lists and revokes it by. */
  id: string;
  botId: string;
  label: string;
  scopes: string[];
  createdAt: number;
  createdBy: string;
}

/** An incoming webhook: a URL that posts into one conversation as its bot. */
export interface WebhookRecord {
  id: string;
  /** sha256 of the secret part of the URL. */
  secretHash: string;
  conversationId: string;
  botId: string;
  label: string;
  createdAt: number;
  createdBy: string;
}

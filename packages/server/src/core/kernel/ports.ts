import type { ScramCredential, ScramMechanism } from "../accounts/scram-keys.js";
import type { MessageKind, SearchEntry } from "../search/document.js";
import type { QueryTerm } from "../search/tokens.js";
import type {
  AuditRecord,
  ConversationRecord,
  ConversationTail,
  ConversationView,
  DepartmentRecord,
  FileRecord,
  FileShare,
  MemberRecord,
  MemberRole,
  MessageRecord,
  SessionRecord,
  UserRecord,
} from "./records.js";

/**
 * Storage, as the core needs it. Writes that must be atomic run inside
 * `transaction`; adapters serialise transactions (SQLite) or lock the
 * conversation row, so that reading `lastSeq` and writing it back in one
 * transaction allocates seqs without races.
 */
export interface Store {
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads outside a transaction see only committed data. */
  read: StoreReader;
  /**
   * Whether writes can be stored now: false from a write that failed because the
   * store cannot write (full disk, I/O error, database unreachable) until one commits again.
   */
  health(): { ok: boolean; detail?: string };
  close(): Promise<void>;
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
}

/** The organisation directory, domains and the audit log. */
export interface DirectoryReader {
  getDomain(name: string): Promise<DomainRecord | undefined>;
  listDomains(): Promise<DomainRecord[]>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** Secondary department memberships of these users. */
  otherDepartments(userIds: readonly string[]): Promise<{ userId: string; departmentId: string }[]>;
  /** Secondary department memberships of the domain's users whose version is in (after, upTo]. */
  otherDepartmentsInRange(
    domain: string,
    after: number,
    upTo: number,
  ): Promise<{ userId: string; departmentId: string }[]>;
  /** Users of the domain changed after `version` (and at most `until`, if given), oldest change first; password hashes left empty. */
  changedUsers(domain: string, version: number, limit: number, until?: number): Promise<UserRecord[]>;
  /** Departments of the domain changed after `version` (and at most `until`, if given), oldest change first. */
  changedDepartments(
    domain: string,
    version: number,
    limit: number,
    until?: number,
  ): Promise<DepartmentRecord[]>;
  /** The domain's directory version (0 before the first change). */
  directoryVersion(domain: string): Promise<number>;
  getDepartment(id: string): Promise<DepartmentRecord | undefined>;
  /** Live child departments ("" parent: the top level), by sort order then name. */
  childDepartments(domain: string, parentId: string): Promise<DepartmentRecord[]>;
  findDepartment(domain: string, parentId: string, name: string): Promise<DepartmentRecord | undefined>;
  /** Active users whose primary or secondary department is `departmentId`, by id after `afterId`. */
  departmentMembers(departmentId: string, afterId: string, limit: number): Promise<UserRecord[]>;
  /** Audit entries of the domain, newest first, older than `beforeAt` (0: from now). */
  listAudit(domain: string, beforeAt: number, limit: number): Promise<AuditRecord[]>;
}

export interface DirectoryWriter {
  createDomain(name: string, now: number): Promise<boolean>;
  setDomainDisabled(name: string, disabled: boolean): Promise<boolean>;
  /** 0 means the server's setting. */
  setDomainFileLimits(name: string, limits: { maxFileBytes: number; quotaBytes: number }): Promise<boolean>;
  /** Allocates `count` consecutive directory versions of the domain; returns the first. */
  nextDirectoryVersions(domain: string, count: number): Promise<number>;
  insertUser(user: UserRecord): Promise<boolean>;
  updateUser(id: string, patch: UserPatch): Promise<boolean>;
  upsertDepartment(dept: DepartmentRecord): Promise<void>;
  setOtherDepartments(userId: string, departmentIds: readonly string[]): Promise<void>;
  insertAudit(entry: AuditRecord): Promise<void>;
}

/** Uploaded files' metadata, where they were shared, and per-domain storage use. */
export interface FileReader {
  getFile(id: string): Promise<FileRecord | undefined>;
  /**
   * The file, if the user may read it: who may read a file is decided here
   * and nowhere else. Its uploader may, and so may a member of a
   * conversation in the file's domain where a message that is not recalled
   * shared it (a former member, if they were still in when it was sent).
   */
  readableFile(userId: string, fileId: string): Promise<FileRecord | undefined>;
  /** A file with this content that the user may read (by the same rule as readableFile), if there is one. */
  readableFileWithHash(userId: string, sha256: string): Promise<FileRecord | undefined>;
  /** The SHA-256 of each size of a user's or group's avatar. */
  getAvatar(ownerId: string): Promise<{ size: number; sha256: string }[]>;
}

export interface FileWriter {
  /**
   * Records the file and adds its size to the domain's use, unless that would
   * pass `quotaBytes` (0: no quota); false then, and nothing is written.
   */
  insertFile(file: FileRecord, quotaBytes: number): Promise<boolean>;
  shareFiles(shares: readonly FileShare[]): Promise<void>;
  /** Replaces a user's or group's avatar renditions. */
  setAvatar(ownerId: string, renditions: readonly { size: number; sha256: string }[]): Promise<void>;
  /** The secret of this name, set to `candidate` by whichever node asks first. */
  ensureSecret(name: string, candidate: string): Promise<string>;
}

/**
 * File contents, by SHA-256: in the data folder or a shared mount, or in the
 * database (what a cluster needs, since every node must read every file).
 * Writes are idempotent (the same bytes under the same name), and a blob is
 * visible only once it is complete.
 */
export interface BlobStore {
  /**
   * The store's own id, made on first use: the same on every node that uses
   * the same store, another for another store (how a node finds out that it
   * does not see the files the others see).
   */
  id(): Promise<string>;
  /** Stores the bytes (once per content); returns their SHA-256, lower-case hex. */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * Moves a complete local file (such as a finished resumable upload) into
   * the store, hashing it as it is read; the file is gone afterwards.
   */
  putFile(path: string): Promise<{ sha256: string; size: number }>;
  /**
   * Stores what `source` yields as it arrives, never holding all of it. With
   * `expectSha256`, content whose hash differs is refused and nothing is kept.
   */
  putStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    expectSha256?: string,
  ): Promise<{ sha256: string; size: number }>;
  has(sha256: string): Promise<boolean>;
  /**
   * The bytes from `start` to `end` inclusive (`end` past the last byte
   * means the last byte), as they are read. Iterating fails for content the
   * store does not hold.
   */
  read(sha256: string, start: number, end: number): AsyncIterable<Uint8Array>;
  close?(): Promise<void>;
}

/** What the bytes of an uploaded file say about it. */
export interface MediaInfo {
  width?: number;
  height?: number;
  durationMs?: number;
  /** For images: a WebP preview no larger than 320 px on its longer side. */
  thumbnail?: Uint8Array;
}

/** Reading images, audio and video (sharp and friends behind a port). */
export interface MediaProbe {
  /**
   * Dimensions, duration and a thumbnail, as far as the type allows; `source`
   * is the bytes or a local file holding them. Throws INVALID_ARGUMENT
   * (field "body") for an image with more pixels than allowed or one that
   * cannot be decoded although its header says it is an image.
   */
  inspect(source: Uint8Array | string, mime: string): Promise<MediaInfo>;
  /** Square WebP renditions of an image, one per size in pixels (for avatars). */
  avatar(source: Uint8Array | string, sizes: readonly number[]): Promise<Uint8Array[]>;
}

/** A search of messages, already reduced to index terms. */
export interface MessageSearchQuery {
  userId: string;
  terms: readonly QueryTerm[];
  conversationId?: string;
  senderId?: string;
  /** Milliseconds: from (inclusive) and until (exclusive). */
  since?: number;
  until?: number;
  kind?: MessageKind;
  /** Only index entries older than this id (the previous page's last). */
  beforeId?: number;
  limit: number;
}

export interface MessageSearchHit {
  id: number;
  conversationId: string;
  seq: number;
}

export interface FileSearchQuery {
  userId: string;
  domain: string;
  /** Lower-case text the name must contain. */
  text: string;
  conversationId?: string;
  senderId?: string;
  since?: number;
  until?: number;
  offset: number;
  limit: number;
}

/** A file the user can see, with where it was shared (empty for their own unshared upload). */
export interface FileSearchHit {
  file: FileRecord;
  conversationId: string;
  seq: number;
}

/** A group as a search of the user's groups sees it. */
export interface GroupSummary {
  id: string;
  name: string;
  memberCount: number;
}

export interface SearchReader {
  /** Groups the user is an active member of (not disbanded), up to `limit`. */
  groupsOf(userId: string, limit: number): Promise<GroupSummary[]>;
  /** Newest first; only conversations the user is or was (up to leaving) a member of. */
  searchMessages(q: MessageSearchQuery): Promise<MessageSearchHit[]>;
  /** Newest first: files shared where the user can see them, and their own uploads. */
  searchFiles(q: FileSearchQuery): Promise<FileSearchHit[]>;
}

export interface SearchWriter {
  indexMessages(entries: readonly SearchEntry[]): Promise<void>;
}

/** SCRAM keys of users' passwords, for the XMPP gateway's SASL (RFC 5802). */
export interface ScramReader {
  getScramCredential(userId: string, mechanism: ScramMechanism): Promise<ScramCredential | undefined>;
}

export interface ScramWriter {
  /** Replaces the user's keys of each mechanism given. */
  putScramCredentials(credentials: readonly ScramCredential[]): Promise<void>;
}

export type UserPatch = Partial<Omit<UserRecord, "id" | "domain" | "createdAt">>;

export interface StoreReader extends DirectoryReader, FileReader, SearchReader, ScramReader {
  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(domain: string, afterId: string, limit: number): Promise<UserRecord[]>;
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  listGroups(domain: string, afterId: string, limit: number): Promise<ConversationRecord[]>;
  getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(conversationId: string, activeOnly: boolean): Promise<MemberRecord[]>;
  /** The user's conversations whose view changed after `version`, oldest change first. */
  changedConversations(userId: string, version: number, limit: number): Promise<ConversationView[]>;
  getMessages(
    conversationId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
    newestFirst: boolean,
  ): Promise<MessageRecord[]>;
  getMessage(conversationId: string, seq: number): Promise<MessageRecord | undefined>;
  /**
   * The first seq in (afterSeq, beforeSeq) whose message was stored at or
   * after `time` (ms), or `beforeSeq` when there is none. Server times rise
   * with seq, so this searches the primary key instead of scanning.
   */
  firstSeqAtTime(conversationId: string, time: number, afterSeq: number, beforeSeq: number): Promise<number>;
  /** The user's 1:1 conversations that have messages, the most recent last message first. */
  recentDirectConversations(userId: string, limit: number): Promise<ConversationTail[]>;
  /** Messages after `afterSeq` not sent by `userId` and not events, up to `cap`. */
  countUnread(conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number>;
  /** Existing messages for (conversation, sender, clientMsgId) keys. */
  findByClientIds(
    keys: readonly { conversationId: string; senderId: string; clientMsgId: string }[],
  ): Promise<MessageRecord[]>;
}

export interface StoreTx extends StoreReader, DirectoryWriter, FileWriter, SearchWriter, ScramWriter {
  insertSession(session: SessionRecord): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Every session of the user but `exceptTokenHash`, if given. */
  deleteSessionsOfUser(userId: string, exceptTokenHash?: string): Promise<number>;

  /** Allocates `count` consecutive change-stream versions; returns the first. */
  nextVersions(count: number): Promise<number>;
  /** False when the id exists already (on PostgreSQL: once its creator committed). */
  insertConversation(conv: ConversationRecord): Promise<boolean>;
  getConversations(ids: readonly string[]): Promise<ConversationRecord[]>;
  updateConversation(
    id: string,
    patch: Partial<
      Pick<ConversationRecord, "lastSeq" | "name" | "memberCount" | "memberVersion" | "disbanded" | "version">
    >,
  ): Promise<void>;
  /** Sets last_seq and version of many conversations in one statement (the send path). */
  advanceConversations(updates: readonly { id: string; lastSeq: number; version: number }[]): Promise<void>;
  upsertMember(member: MemberRecord): Promise<void>;
  updateMember(
    conversationId: string,
    userId: string,
    patch: Partial<
      Pick<MemberRecord, "role" | "active" | "readSeq" | "deliveredSeq" | "version" | "pinnedAt" | "muted">
    >,
  ): Promise<void>;
  insertMessages(rows: readonly MessageRecord[]): Promise<void>;
  /** Also takes the message out of search and withdraws the files it shared. */
  recallMessage(conversationId: string, seq: number, by: string, at: number): Promise<void>;
}

export type KickReason = "logged_out" | "disabled";

/** What a node does with bus traffic for its local sessions (the gateway implements it). */
export interface BusReceiver {
  deliver(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void;
  /** To every session of a user of `domain`. */
  deliverDomain(domain: string, frame: Uint8Array): void;
  /** Closes the users' sessions, except those of the login whose token hash is `keepToken`. */
  kick(userIds: readonly string[], reason: KickReason, keepToken?: string): void;
  /** A frame for one addressed session of a user (see Bus.publishTo); ignored when it is not here. */
  deliverTo(userId: string, address: string, frame: Uint8Array): void;
  /**
   * Pushes may have been lost on their way between nodes (the bus was
   * interrupted): tell every local session to catch up by sync.
   */
  resync(): void;
}

/** Delivers encoded server pushes to the sessions of users, on whichever node they are. */
export interface Bus {
  /** `frame` is an encoded Envelope; `exceptSession` skips one session. */
  publish(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void;
  /** Delivers to this node's sessions only (for state every node derives by itself). */
  publishLocal(userIds: readonly string[], frame: Uint8Array): void;
  /** Delivers to every online user of a domain, on every node (directory changes). */
  publishDomain(domain: string, frame: Uint8Array): void;
  /**
   * Closes every session of these users on every node. With `keepToken` (a
   * login session's token hash) the connections of that one login stay: a
   * user who changes their own password keeps the session they did it from.
   */
  kick(userIds: readonly string[], reason: KickReason, keepToken?: string): void;
  /**
   * Hands `frame` to the one session of `userId` known by `address` (for
   * example an XMPP resource) on the other nodes; the caller has looked on
   * its own node first. Nobody answers for an address no node has: the frame
   * is dropped, as a push to an offline device is. False when there are no
   * other nodes to hand it to (a single node).
   */
  publishTo(userId: string, address: string, frame: Uint8Array): boolean;
  /** Registers the local receiver; only the composition root calls this. */
  attach(receiver: BusReceiver): void;
  /**
   * Whether a cluster bus reaches the other nodes (readiness). While it does
   * not, everything still works on this node: sends are stored, acknowledged
   * and pushed to local sessions; pushes to other nodes are dropped, and
   * their sessions are told to sync once the bus is back.
   */
  health?(): { ok: boolean; detail?: string };
  /** Releases connections (cluster buses). */
  close?(): Promise<void>;
}

/** A user's connections on one node. */
export interface LocalPresence {
  sessions: number;
  away: boolean;
}

/** Where a user is online, across every node of the deployment. */
export interface PresenceView {
  online: boolean;
  /** Away on every device that is connected. */
  away: boolean;
  /** When the user was last connected anywhere (0: unknown). */
  lastSeen: number;
}

/**
 * The cluster-wide presence table. Each node reports its own users'
 * connections; the directory combines every node's reports and says when a
 * user's combined state may have changed (also when a node is lost).
 */
export interface PresenceDirectory {
  /** This node's state for the user changed (undefined: no longer connected here). */
  report(userId: string, state: LocalPresence | undefined): void;
  view(userId: string): PresenceView;
  onChange(listener: (userId: string) => void): void;
  /** This node's count of client sessions, shared with the other nodes (cluster directories). */
  reportLoad?(sessions: number): void;
  /** The last session count of every live node, by node id, this node's included. */
  loads?(): Map<string, number>;
  close?(): Promise<void>;
}

export interface Clock {
  now(): number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Random {
  /** Cryptographically random bytes. */
  bytes(n: number): Uint8Array;
  /** sha256 hex of a string, for storing tokens. */
  sha256(value: string): string;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type { MemberRole };

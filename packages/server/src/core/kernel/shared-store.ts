import type {
  AuditRecord,
  ConversationRecord,
  DomainRecord,
  FileRecord,
  MemberRecord,
  MessageRecord,
  UserRecord,
} from "./records.js";

/**
 * A module's view of the store: its reads outside a transaction, and a
 * transaction handing it its reads and writes. Writes that must be atomic run
 * inside `transaction`; adapters serialise transactions (SQLite) or lock the
 * conversation row, so that reading `lastSeq` and writing it back in one
 * transaction allocates seqs without races. A transaction body may run twice
 * (PostgreSQL deadlock retry), so it has no effects outside the transaction.
 */
export interface StorePort<Reader, Tx extends Reader> {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Reads outside a transaction see only committed data. */
  read: Reader;
}

/**
 * Conversations, their members and single messages: messaging, groups, files
 * (avatars of groups), search and administration all read them.
 */
export interface ConversationReader {
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  getMember(conversationId: string, userId: string): Promise<MemberRecord | undefined>;
  listMembers(conversationId: string, activeOnly: boolean): Promise<MemberRecord[]>;
  getMessage(conversationId: string, seq: number): Promise<MessageRecord | undefined>;
}

/** What a change to a conversation row may set. */
export type ConversationPatch = Partial<
  Pick<
    ConversationRecord,
    | "lastSeq"
    | "name"
    | "memberCount"
    | "memberVersion"
    | "disbanded"
    | "version"
    | "announcement"
    | "announcementBy"
    | "announcementAt"
    | "avatar"
  >
>;

/** What messaging and groups both write: conversations, members, and messages appended to them. */
export interface ConversationWriter {
  /** Allocates `count` consecutive change-stream versions; returns the first. */
  nextVersions(count: number): Promise<number>;
  /** False when the id exists already (on PostgreSQL: once its creator committed). */
  insertConversation(conv: ConversationRecord): Promise<boolean>;
  updateConversation(id: string, patch: ConversationPatch): Promise<void>;
  upsertMember(member: MemberRecord): Promise<void>;
  updateMember(
    conversationId: string,
    userId: string,
    patch: Partial<
      Pick<
        MemberRecord,
        | "role"
        | "active"
        | "readSeq"
        | "deliveredSeq"
        | "version"
        | "pinnedAt"
        | "muted"
        | "announcementSeenAt"
      >
    >,
  ): Promise<void>;
  insertMessages(rows: readonly MessageRecord[]): Promise<void>;
}

/** A group as a list of the user's groups sees it. */
export interface GroupSummary {
  id: string;
  name: string;
  memberCount: number;
}

/** The user's groups: what groups list for XMPP and search looks through by name. */
export interface GroupListReader {
  /** Groups the user is an active member of (not disbanded), up to `limit`. */
  groupsOf(userId: string, limit: number): Promise<GroupSummary[]>;
}

export interface ConversationTx extends ConversationReader, ConversationWriter {}

/** The store as a service that touches only conversations and members sees it (receipts, typing, preferences). */
export type ConversationStore = StorePort<ConversationReader, ConversationTx>;

/** Users and their domains, as every module that checks who someone is reads them. */
export interface UserReader {
  getUser(id: string): Promise<UserRecord | undefined>;
  /** Many users in one query (missing ones are left out). */
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  getDomain(name: string): Promise<DomainRecord | undefined>;
}

export type UserPatch = Partial<Omit<UserRecord, "id" | "domain" | "createdAt">>;

/**
 * What accounts and the directory both write: users (created by sign-up and by
 * import, changed by either), the domains they belong to (added by an
 * administrator, or by a migration's import), the domain's directory versions
 * their changes take, and the sessions a change ends.
 */
export interface UserWriter {
  /** Adds a domain unless it exists (false then). */
  createDomain(name: string, now: number): Promise<boolean>;
  insertUser(user: UserRecord): Promise<boolean>;
  updateUser(id: string, patch: UserPatch): Promise<boolean>;
  /** Allocates `count` consecutive directory versions of the domain; returns the first. */
  nextDirectoryVersions(domain: string, count: number): Promise<number>;
  /** Every session of the user but `exceptTokenHash`, if given. */
  deleteSessionsOfUser(userId: string, exceptTokenHash?: string): Promise<number>;
}

/** The audit log, written by administration and the directory alike. */
export interface AuditWriter {
  insertAudit(entry: AuditRecord): Promise<void>;
}

/** Who may read a file: files serve it, messaging attaches it to a message. */
export interface FileAccessReader {
  /**
   * The file, if the user may read it: who may read a file is decided here
   * and nowhere else. Its uploader may, and so may a member of a
   * conversation in the file's domain where a message that is not recalled
   * shared it (a former member, if they were still in when it was sent).
   */
  readableFile(userId: string, fileId: string): Promise<FileRecord | undefined>;
}

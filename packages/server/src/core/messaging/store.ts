import type {
  ConversationRecord,
  ConversationTail,
  ConversationView,
  FavouriteRecord,
  FileShare,
  MentionEntry,
  MentionPosition,
  MessageRecord,
  ReactionRecord,
} from "../kernel/records.js";
import type {
  ConversationReader,
  ConversationTx,
  ConversationWriter,
  FileAccessReader,
  StorePort,
  UserReader,
} from "../kernel/shared-store.js";
import type { SearchEntry } from "../search/document.js";

/** What only messaging reads: history, the change stream, unread counts, resends. */
export interface MessagingReads {
  getMessages(
    conversationId: string,
    afterSeq: number,
    beforeSeq: number,
    limit: number,
    newestFirst: boolean,
  ): Promise<MessageRecord[]>;
  /**
   * The first seq in (afterSeq, beforeSeq) whose message was stored at or
   * after `time` (ms), or `beforeSeq` when there is none. Server times rise
   * with seq, so this searches the primary key instead of scanning.
   */
  firstSeqAtTime(conversationId: string, time: number, afterSeq: number, beforeSeq: number): Promise<number>;
  /** The user's 1:1 conversations that have messages, the most recent last message first. */
  recentDirectConversations(userId: string, limit: number): Promise<ConversationTail[]>;
  /** The user's conversations whose view changed after `version`, oldest change first. */
  changedConversations(userId: string, version: number, limit: number): Promise<ConversationView[]>;
  /** Messages after `afterSeq` not sent by `userId` and not events, up to `cap`. */
  countUnread(conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number>;
  /** Messages after `afterSeq` not sent by `userId` that mention them or everyone, up to `cap`. */
  countUnreadMentions(conversationId: string, userId: string, afterSeq: number, cap: number): Promise<number>;
  /**
   * Mentions of `userId` or of everyone, not by them, newest first, older
   * than `before`, in conversations where they have a member row and may
   * read the message (the read rule in SQL).
   */
  listMentions(userId: string, before: MentionPosition | undefined, limit: number): Promise<MentionEntry[]>;
  /** Existing messages for (conversation, sender, clientMsgId) keys. */
  findByClientIds(
    keys: readonly { conversationId: string; senderId: string; clientMsgId: string }[],
  ): Promise<MessageRecord[]>;
}

/** Pinned messages, the messages a user hid, and a user's favourites. */
export interface MarkReads {
  /**
   * The seqs pinned in each of the conversations, the most recently pinned first; a conversation
   * without pins has no entry. Many at once, so a sync page costs one query.
   */
  pinnedSeqs(conversationIds: readonly string[]): Promise<Map<string, number[]>>;
  /** The seqs the user hid in each of the conversations, ascending; none, no entry. */
  hiddenSeqs(userId: string, conversationIds: readonly string[]): Promise<Map<string, number[]>>;
  getFavourite(userId: string, id: string): Promise<FavouriteRecord | undefined>;
  findFavourite(userId: string, conversationId: string, seq: number): Promise<FavouriteRecord | undefined>;
  /** The user's favourites with ids below `beforeId` ("" for no bound), id descending, up to `limit`. */
  listFavourites(userId: string, beforeId: string, limit: number): Promise<FavouriteRecord[]>;
  countFavourites(userId: string): Promise<number>;
}

export interface MarkWrites {
  /** False when the message was pinned already. */
  pinMessage(conversationId: string, seq: number, by: string, at: number): Promise<boolean>;
  /** False when the message was not pinned. */
  unpinMessage(conversationId: string, seq: number): Promise<boolean>;
  /** Hides the seqs for the user; returns how many were not hidden before. */
  hideMessages(conversationId: string, userId: string, seqs: readonly number[]): Promise<number>;
  /** False when the user saved that message already (perhaps at this moment, on another device). */
  insertFavourite(favourite: FavouriteRecord): Promise<boolean>;
  /** False when the user has no favourite of that id. */
  deleteFavourite(userId: string, id: string): Promise<boolean>;
}

/** What only messaging writes: a batch of sends with what they index and share, and recalls. */
export interface MessagingWrites {
  /** Conversations by id, locked for the transaction where the store locks rows (in id order). */
  getConversations(ids: readonly string[]): Promise<ConversationRecord[]>;
  /** Sets last_seq and version of many conversations in one statement (the send path). */
  advanceConversations(updates: readonly { id: string; lastSeq: number; version: number }[]): Promise<void>;
  indexMessages(entries: readonly SearchEntry[]): Promise<void>;
  shareFiles(shares: readonly FileShare[]): Promise<void>;
  indexMentions(entries: readonly MentionEntry[]): Promise<void>;
  /**
   * Also takes the message out of search and the mentions index, withdraws the files it shared,
   * drops its reactions, deletes the content its edit events carry, and unpins it.
   */
  recallMessage(conversationId: string, seq: number, by: string, at: number): Promise<void>;
  /** Replaces a message's content and edited_at, and its search entry with `search` (none: removed). */
  editMessage(
    conversationId: string,
    seq: number,
    content: Uint8Array,
    editedAt: number,
    search: SearchEntry | undefined,
  ): Promise<void>;
  /** Replaces a message's reactions (an empty list: none). */
  setReactions(conversationId: string, seq: number, reactions: readonly ReactionRecord[]): Promise<void>;
}

export interface MessagingReader
  extends ConversationReader,
    UserReader,
    FileAccessReader,
    MessagingReads,
    MarkReads {}

export interface MessagingTx extends MessagingReader, ConversationWriter, MessagingWrites, MarkWrites {}

/** The store as messaging sees it. */
export type MessagingStore = StorePort<MessagingReader, MessagingTx>;

export interface RecallTx extends ConversationTx, Pick<MessagingWrites, "recallMessage"> {}

/** The store as recall sees it: conversations, members, and the recall itself. */
export type RecallStore = StorePort<ConversationReader, RecallTx>;

export interface EditTx
  extends ConversationTx,
    Pick<MessagingWrites, "editMessage" | "setReactions" | "indexMentions"> {}

/** The store as edits and reactions see it: conversations, members, and the rewrite of one message. */
export type EditStore = StorePort<ConversationReader, EditTx>;

export interface MarkReader extends ConversationReader, MarkReads {}

export interface MarkTx extends MarkReader, ConversationWriter, MarkWrites {}

/** The store as pins, hidden messages and favourites see it: conversations, members, messages and marks. */
export type MarkStore = StorePort<MarkReader, MarkTx>;

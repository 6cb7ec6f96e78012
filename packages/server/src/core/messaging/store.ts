import type {
  ConversationRecord,
  ConversationTail,
  ConversationView,
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
   * drops its reactions and deletes the content its edit events carry.
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

export interface MessagingReader extends ConversationReader, UserReader, FileAccessReader, MessagingReads {}

export interface MessagingTx extends MessagingReader, ConversationWriter, MessagingWrites {}

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

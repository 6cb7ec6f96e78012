import type { FileRecord } from "../kernel/records.js";
import type { ConversationReader, GroupListReader } from "../kernel/shared-store.js";
import type { MessageKind } from "./document.js";
import type { QueryTerm } from "./tokens.js";

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

export interface SearchReads {
  /** Newest first; only conversations the user is or was (up to leaving) a member of. */
  searchMessages(q: MessageSearchQuery): Promise<MessageSearchHit[]>;
  /**
   * Newest first: files shared where the user can see them, and their own
   * uploads; in one conversation, by when they were shared. An empty text
   * matches every name.
   */
  searchFiles(q: FileSearchQuery): Promise<FileSearchHit[]>;
}

/**
 * The store as search sees it: reads only (the send path writes the index,
 * in its own transaction), the user's groups, and the hits' messages.
 */
export interface SearchReader extends ConversationReader, GroupListReader, SearchReads {}

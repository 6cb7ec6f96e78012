import type {
  AttachmentKind,
  Conversation,
  Message,
  MessageKind,
  PresenceState,
  Receipt,
  SearchScope,
  TypingEvent,
} from "@starling/protocol";
import type { DirectoryUpdate } from "./directory.js";
import type { SeqLike } from "./seq.js";

export type ClientState = "connecting" | "online" | "reconnecting" | "closed";

export interface StarlingClientEvents {
  /** Every message of every conversation, once each, in seq order per conversation. */
  message: Message;
  receipt: Receipt;
  typing: TypingEvent;
  presence: PresenceState;
  state: ClientState;
  /** A conversation's server copy changed (sync, getConversation, createGroup). */
  conversation: Conversation;
  /** The server's directory of the user's domain moved to this version. */
  directoryChanged: { version: number };
  /** directory.sync() changed the local copy of the directory. */
  directory: DirectoryUpdate;
  error: Error;
}

export interface MentionInput {
  /** A user id, or "@all". */
  userId: string;
  /** Position in text, in UTF-16 code units. */
  offset: number;
  length: number;
}

/** A message to send: to a user (1:1) or into a conversation. */
export interface SendInput {
  to?: string;
  conversationId?: string;
  text?: string;
  mentions?: MentionInput[];
  replyToSeq?: SeqLike;
  custom?: { type: string; json: string };
  /** Uploaded files (HTTP /api/v1/files) to send with the message; the server fills in their details. */
  attachments?: { fileId: string; kind?: AttachmentKind }[];
  /** Generated when absent; give the same id to resend something from an earlier run. */
  clientMsgId?: string;
}

/** Filters and paging of a search; see starling.v1.Search. */
export interface SearchOptions {
  scope?: SearchScope;
  conversationId?: string;
  senderId?: string;
  /** Milliseconds since the epoch: from (inclusive), until (exclusive). */
  since?: number;
  until?: number;
  kind?: MessageKind;
  limit?: number;
  cursor?: string;
}

export interface HistoryQuery {
  /** Messages after this seq, ascending. */
  afterSeq?: SeqLike;
  /** The last `limit` messages before this seq, ascending. */
  beforeSeq?: SeqLike;
  /** At most 200. Default 50. */
  limit?: number;
}

import type {
  AttachmentKind,
  Content,
  Conversation,
  Message,
  MessageKind,
  PresenceState,
  Receipt,
  SearchScope,
  Settings,
  TypingEvent,
} from "@starling/protocol";
import type { DirectoryUpdate } from "./directory.js";
import type { FavouritesChange } from "./favourites.js";
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
  /**
   * A message was edited (from a message_edited event, also emitted as `message`): replace the
   * content shown for (conversationId, seq) in place and mark it edited.
   */
  messageEdited: MessageEdit;
  /** A reaction was added or removed (from a reaction_changed event, also emitted as `message`). */
  reaction: ReactionChange;
  /** The unacknowledged sends changed: added, transmitted, requeued, acked, failed or cancelled. */
  sends: SendState[];
  /** The user's roaming settings changed on another of their devices. */
  settings: Settings;
  /** The user's favourites changed on another of their devices (a push; refetch favourites() after a reconnect). */
  favouritesChanged: FavouritesChange;
  error: Error;
}

export interface MessageEdit {
  conversationId: string;
  /** The seq of the edited message (the event has a seq of its own). */
  seq: bigint;
  by: string;
  content: Content | undefined;
  editedAt: bigint;
}

export interface ReactionChange {
  conversationId: string;
  /** The seq of the message reacted to. */
  seq: bigint;
  userId: string;
  emoji: string;
  added: boolean;
}

/** The new content of an edit: what the sender wrote; attachments and the reply stay as sent. */
export interface EditInput {
  text: string;
  mentions?: MentionInput[];
  custom?: { type: string; json: string };
}

/** Where one unacknowledged send stands. */
export interface SendState {
  clientMsgId: string;
  input: SendInput;
  /** "queued": not on the wire now (offline, throttled, or waiting its turn); "sending": awaiting its ack. */
  state: "queued" | "sending";
  /** Never transmitted, so StarlingClient.cancelSend can still withdraw it. */
  cancellable: boolean;
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

/** Roaming settings to change; fields left out keep their value. */
export interface SettingsInput {
  desktopNotifications?: boolean;
  notificationSound?: boolean;
  messagePreviews?: boolean;
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

/** Rows the core reads and writes through the Store port. */

export type UserRole = "admin" | "user";
export type MemberRole = "owner" | "admin" | "member";
export type ConversationKind = "direct" | "group";

export interface UserRecord {
  id: string; // "alice@example.com"
  domain: string;
  displayName: string;
  passwordHash: string;
  role: UserRole;
  disabled: boolean;
  createdAt: number;
}

export interface SessionRecord {
  tokenHash: string;
  userId: string;
  deviceId: string;
  platform: string;
  createdAt: number;
  expiresAt: number;
}

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
}

/** One row of a user's change stream: a conversation and this user's membership in it. */
export interface ConversationView {
  conversation: ConversationRecord;
  member: MemberRecord;
  /** max(conversation.version, member.version): the position in the change stream. */
  version: number;
}

import type { InviteRecord } from "../kernel/records.js";
import type {
  ConversationReader,
  ConversationWriter,
  GroupListReader,
  StorePort,
  UserReader,
} from "../kernel/shared-store.js";

/** Invite links, which only groups read and write. */
export interface InviteReads {
  getInvite(tokenHash: string): Promise<InviteRecord | undefined>;
}

export interface InviteWrites {
  insertInvite(invite: InviteRecord): Promise<void>;
  /** Marks every unrevoked invite of the group revoked at `at`; returns how many. */
  revokeInvites(conversationId: string, at: number): Promise<number>;
}

/**
 * Groups read and write only what messaging shares with them (conversations,
 * members, appended events), list a user's groups, look up the users they add,
 * and keep their invite links.
 */
export interface GroupsReader extends ConversationReader, GroupListReader, UserReader, InviteReads {}

export interface GroupsTx extends GroupsReader, ConversationWriter, InviteWrites {}

/** The store as groups see it. */
export type GroupsStore = StorePort<GroupsReader, GroupsTx>;

import type {
  ConversationReader,
  ConversationWriter,
  GroupListReader,
  StorePort,
  UserReader,
} from "../kernel/shared-store.js";

/**
 * Groups read and write only what messaging shares with them (conversations,
 * members, appended events), list a user's groups, and look up the users they add.
 */
export interface GroupsReader extends ConversationReader, GroupListReader, UserReader {}

export interface GroupsTx extends GroupsReader, ConversationWriter {}

/** The store as groups see it. */
export type GroupsStore = StorePort<GroupsReader, GroupsTx>;

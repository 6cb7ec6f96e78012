import type { Kysely } from "kysely";
import type {
  AccountsReads,
  AccountsWrites,
  ActivationReads,
  ActivationWrites,
} from "../../core/accounts/store.js";
import type { BotsReads, BotsWrites } from "../../core/bots/store.js";
import type { DirectoryReads, DirectoryWrites } from "../../core/directory/store.js";
import type { FederationReads, FederationWrites } from "../../core/federation/store.js";
import type { FilesReads, FilesWrites } from "../../core/files/store.js";
import type { InviteReads, InviteWrites } from "../../core/groups/store.js";
import type {
  AuditWriter,
  ConversationReader,
  ConversationWriter,
  FileAccessReader,
  GroupListReader,
  UserReader,
  UserWriter,
} from "../../core/kernel/shared-store.js";
import type { MarkReads, MarkWrites, MessagingReads, MessagingWrites } from "../../core/messaging/store.js";
import type { PushReads, PushWrites } from "../../core/push/store.js";
import type { SearchReads } from "../../core/search/store.js";
import type { StoreTx } from "../../core/store.js";
import { KyselyAccounts } from "./kysely-accounts.js";
import { KyselyActivation } from "./kysely-activation.js";
import { KyselyBots } from "./kysely-bots.js";
import { KyselyConversations } from "./kysely-conversations.js";
import { KyselyDirectory } from "./kysely-directory.js";
import { KyselyFederation } from "./kysely-federation.js";
import { KyselyFiles } from "./kysely-files.js";
import { KyselyInvites } from "./kysely-invites.js";
import { KyselyMarks } from "./kysely-marks.js";
import { KyselyMessaging } from "./kysely-messaging.js";
import { KyselyPush } from "./kysely-push.js";
import { KyselySearch } from "./kysely-search.js";
import { KyselyUsers } from "./kysely-users.js";
import type { Dialect } from "./migrations.js";
import type { Database } from "./schema.js";

type Intersection<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void
  ? I
  : never;

/**
 * One object with every method of the parts, each bound to its part. Two
 * parts with a method of the same name would make one of them unreachable,
 * so that fails at once.
 */
/** A repository class's own method names, read once per class (a transaction composes its parts anew). */
const methodNames = new WeakMap<object, readonly string[]>();

function methodsOf(proto: object): readonly string[] {
  let names = methodNames.get(proto);
  if (!names) {
    names = Object.getOwnPropertyNames(proto).filter(
      (name) => name !== "constructor" && typeof (proto as Record<string, unknown>)[name] === "function",
    );
    methodNames.set(proto, names);
  }
  return names;
}

function compose<Parts extends object[]>(...parts: Parts): Intersection<Parts[number]> {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const name of methodsOf(Object.getPrototypeOf(part) as object)) {
      if (name in out) throw new Error(`two store repositories both define ${name}`);
      out[name] = ((part as Record<string, unknown>)[name] as (...args: unknown[]) => unknown).bind(part);
    }
  }
  return out as Intersection<Parts[number]>;
}

export function kyselyTx(db: Kysely<Database>, dialect: Dialect, lockConversations: boolean): StoreTx {
  // Typed as their ports, so the composition is checked against StoreTx method by method.
  const conversations: ConversationReader & GroupListReader & ConversationWriter = new KyselyConversations(
    db,
    lockConversations,
  );
  const users: UserReader & UserWriter & AuditWriter = new KyselyUsers(db);
  const messaging: MessagingReads & MessagingWrites = new KyselyMessaging(db, dialect, lockConversations);
  const accounts: AccountsReads & AccountsWrites = new KyselyAccounts(db);
  const activation: ActivationReads & ActivationWrites = new KyselyActivation(db);
  const directory: DirectoryReads & DirectoryWrites = new KyselyDirectory(db);
  const files: FileAccessReader & FilesReads & FilesWrites = new KyselyFiles(db);
  const search: SearchReads = new KyselySearch(db, dialect);
  const invites: InviteReads & InviteWrites = new KyselyInvites(db);
  const marks: MarkReads & MarkWrites = new KyselyMarks(db);
  const push: PushReads & PushWrites = new KyselyPush(db);
  const federation: FederationReads & FederationWrites = new KyselyFederation(db);
  const bots: BotsReads & BotsWrites = new KyselyBots(db);
  return compose(
    conversations,
    users,
    messaging,
    accounts,
    activation,
    directory,
    files,
    search,
    invites,
    marks,
    push,
    federation,
    bots,
  );
}

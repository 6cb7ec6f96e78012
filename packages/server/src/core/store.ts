import type { AccountsReader, AccountsTx } from "./accounts/store.js";
import type { BotsReader, BotsTx } from "./bots/store.js";
import type { DirectoryReader, DirectoryTx } from "./directory/store.js";
import type { FederationReads, FederationTx } from "./federation/store.js";
import type { FilesReader, FilesTx } from "./files/store.js";
import type { GroupsReader, GroupsTx } from "./groups/store.js";
import type { StorePort } from "./kernel/shared-store.js";
import type { MessagingReader, MessagingTx } from "./messaging/store.js";
import type { PushReader, PushTx } from "./push/store.js";
import type { SearchReader } from "./search/store.js";

/** Every module's reads: what `Store.read` gives. */
export interface StoreReader
  extends MessagingReader,
    GroupsReader,
    AccountsReader,
    DirectoryReader,
    FilesReader,
    SearchReader,
    PushReader,
    FederationReads,
    BotsReader {}

/** Every module's reads and writes: what a transaction of the whole store gives. */
export interface StoreTx
  extends StoreReader,
    MessagingTx,
    GroupsTx,
    AccountsTx,
    DirectoryTx,
    FilesTx,
    PushTx,
    FederationTx,
    BotsTx {}

/**
 * All persistent state: the module ports combined, which is what the store
 * adapters implement. The core hands each service only its own module's port.
 */
export interface Store extends StorePort<StoreReader, StoreTx> {
  /**
   * Whether writes can be stored now: false from a write that failed because the
   * store cannot write (full disk, I/O error, database unreachable) until one commits again.
   */
  health(): { ok: boolean; detail?: string };
  close(): Promise<void>;
}

import type { Conversation, Message, StarlingClient } from "@starling/sdk";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** A message saved to the user's favourites. */
export interface Favourite {
  id: string;
  conversationId: string;
  seq: bigint;
  savedAt: bigint;
  message: Message;
}

/**
 * The SDK calls behind pins, favourites and delete-for-me, each optional:
 * an SDK without them leaves the matching menu entries out instead of
 * offering something that fails.
 */
interface ExtrasApi {
  pinMessage(conversationId: string, seq: bigint, pinned?: boolean): Promise<unknown>;
  addFavourite(conversationId: string, seq: bigint): Promise<Favourite>;
  removeFavourite(id: string): Promise<unknown>;
  /** Newest first; `before` is the id of the last favourite of the previous page. */
  favourites(query: {
    before?: string;
    limit?: number;
  }): Promise<{ favourites: Favourite[]; hasMore: boolean }>;
  hideMessages(conversationId: string, seqs: bigint[]): Promise<unknown>;
}

type ExtrasClient = Partial<ExtrasApi> & {
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
};

/** What the SDK's `favouritesChanged` event carries. */
interface FavouritesChange {
  added?: Favourite;
  removedId?: string;
}

/** Favourites asked for per page. */
const FAVOURITES_PAGE = 30;

/** What the conversation view may carry for these features. */
type ConversationExtras = Conversation & { pinnedSeqs?: bigint[]; hiddenSeqs?: bigint[] };

/**
 * Pins in a chat, favourites, and messages deleted for this user only: the
 * one place the web client meets these three SDK features, so what the
 * interface offers follows what the SDK can do.
 */
export class MessageExtras extends Store {
  private list: Favourite[] = [];
  private more = false;
  /** Hidden by this device before the server's answer shows it (so the message goes at once). */
  private readonly hiddenHere = new Map<string, Set<bigint>>();

  constructor(private readonly session: Session) {
    super();
  }

  private get api(): ExtrasClient | undefined {
    return this.session.client as unknown as ExtrasClient | undefined;
  }

  /** Which of the three features the connected SDK has. */
  get can(): { pin: boolean; favourites: boolean; hide: boolean } {
    const api = this.api;
    return {
      pin: typeof api?.pinMessage === "function",
      favourites: typeof api?.addFavourite === "function" && typeof api.favourites === "function",
      hide: typeof api?.hideMessages === "function",
    };
  }

  /** Follows favourites added or removed on the user's other devices, when the SDK reports them. */
  listen(client: StarlingClient, mine: () => boolean): void {
    const api = client as unknown as ExtrasClient;
    if (typeof api.on !== "function" || typeof api.favourites !== "function") return;
    api.on("favouritesChanged", (change) => {
      if (mine()) this.changedElsewhere(change as FavouritesChange);
    });
  }

  /** A favourite added or removed on another device: the loaded list follows (the panel refetches when opened). */
  changedElsewhere(change: FavouritesChange): void {
    const added = change.added;
    if (added) this.list = [added, ...this.list.filter((f) => f.id !== added.id)];
    if (change.removedId) this.list = this.list.filter((f) => f.id !== change.removedId);
    this.changed();
  }

  /** The pinned messages' seqs of a chat, the most recently pinned first (as the server keeps them). */
  pinnedSeqs(conversationId: string): readonly bigint[] {
    const conv = this.session.client?.conversations.get(conversationId) as ConversationExtras | undefined;
    return conv?.pinnedSeqs ?? [];
  }

  isPinned(conversationId: string, seq: bigint): boolean {
    return this.pinnedSeqs(conversationId).includes(seq);
  }

  async pin(conversationId: string, seq: bigint, pinned = true): Promise<void> {
    await this.api?.pinMessage?.(conversationId, seq, pinned);
    this.changed();
  }

  /** Whether this user deleted the message for themself. */
  isHidden(m: Message): boolean {
    if ((m as Message & { hidden?: boolean }).hidden === true) return true;
    if (this.hiddenHere.get(m.conversationId)?.has(m.seq)) return true;
    const conv = this.session.client?.conversations.get(m.conversationId) as ConversationExtras | undefined;
    return conv?.hiddenSeqs?.includes(m.seq) ?? false;
  }

  /** Deletes messages for this user only; they go from the view at once. */
  async hide(conversationId: string, seqs: readonly bigint[]): Promise<void> {
    const api = this.api;
    if (!api?.hideMessages || seqs.length === 0) return;
    const set = this.hiddenHere.get(conversationId) ?? new Set<bigint>();
    for (const s of seqs) set.add(s);
    this.hiddenHere.set(conversationId, set);
    this.changed();
    try {
      await api.hideMessages(conversationId, [...seqs]);
    } catch (e) {
      for (const s of seqs) set.delete(s);
      this.changed();
      throw e;
    }
  }

  /** The favourites loaded so far, newest first. */
  favourites(): readonly Favourite[] {
    return this.list;
  }

  get hasMore(): boolean {
    return this.more;
  }

  favouriteOf(conversationId: string, seq: bigint): Favourite | undefined {
    return this.list.find((f) => f.conversationId === conversationId && f.seq === seq);
  }

  /** The newest page of favourites, replacing what was loaded. */
  async loadFavourites(): Promise<void> {
    const api = this.api;
    if (!api?.favourites) return;
    const page = await api.favourites({ limit: FAVOURITES_PAGE });
    this.list = page.favourites;
    this.more = page.hasMore;
    this.changed();
  }

  /** The page before the oldest loaded favourite. */
  async loadOlderFavourites(): Promise<void> {
    const api = this.api;
    const oldest = this.list[this.list.length - 1];
    if (!api?.favourites || !oldest || !this.more) return;
    const page = await api.favourites({ before: oldest.id, limit: FAVOURITES_PAGE });
    const known = new Set(this.list.map((f) => f.id));
    this.list = [...this.list, ...page.favourites.filter((f) => !known.has(f.id))];
    this.more = page.hasMore;
    this.changed();
  }

  async addFavourite(conversationId: string, seq: bigint): Promise<void> {
    const api = this.api;
    if (!api?.addFavourite) return;
    const f = await api.addFavourite(conversationId, seq);
    this.list = [f, ...this.list.filter((x) => x.id !== f.id)];
    this.changed();
  }

  async removeFavourite(id: string): Promise<void> {
    await this.api?.removeFavourite?.(id);
    this.list = this.list.filter((f) => f.id !== id);
    this.changed();
  }

  reset(): void {
    this.list = [];
    this.more = false;
    this.hiddenHere.clear();
    this.changed();
  }
}

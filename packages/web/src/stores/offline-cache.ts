import type { Conversation, Message } from "@starling/sdk";

/** Conversations kept for opening without a connection, at most: the top of the list. */
export const OFFLINE_CONVERSATIONS = 50;
/** Messages kept per chat, at most: the newest loaded. */
export const OFFLINE_MESSAGES = 50;
/** Chats whose messages are kept, at most: the ones opened most recently. */
export const OFFLINE_CHATS = 50;
/** How long changes gather before they are written (a burst of messages is one write). */
const SAVE_DELAY_MS = 1000;

/** What is kept for one user: the list as it was, and the newest messages of recently opened chats, most recent first. */
export interface OfflineSnapshot {
  conversations: Conversation[];
  messages: [conversationId: string, messages: Message[]][];
}

/**
 * Where snapshots are kept, per user, on this device (IndexedDB in a
 * browser, `indexeddb-offline-store.ts`). Values are stored as they are
 * (structured clone keeps bigints and bytes), never sent anywhere.
 */
export interface OfflineStore {
  load(userId: string): Promise<OfflineSnapshot | undefined>;
  save(userId: string, snapshot: OfflineSnapshot): Promise<void>;
  clear(userId: string): Promise<void>;
}

/**
 * The last conversation list and the newest messages of recently opened
 * chats, kept per user so that the app opens without a connection showing
 * what was there (and the outbox takes what is written meanwhile). Recorded
 * while connected, bounded by the limits above; shown only while offline,
 * until live data replaces it; forgotten on sign-out.
 */
export class OfflineCache {
  private user = "";
  private conversations: Conversation[] = [];
  private messages = new Map<string, Message[]>();
  /** Whether the screen shows the saved data (offline) rather than live data. */
  private showing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** What to write when the timer fires. */
  private next: (() => OfflineSnapshot) | undefined;

  constructor(private readonly store: OfflineStore | undefined) {}

  /** The saved list, while offline; undefined when live data is shown. */
  savedConversations(): readonly Conversation[] | undefined {
    return this.showing ? this.conversations : undefined;
  }

  /** A chat's saved messages, while offline. */
  savedMessages(conversationId: string): readonly Message[] | undefined {
    return this.showing ? this.messages.get(conversationId) : undefined;
  }

  /** Opened without a connection: what was saved for `userId` is shown (an empty list when nothing was). */
  async show(userId: string): Promise<void> {
    await this.read(userId);
    this.showing = true;
  }

  /** Connected: live data replaces what was saved (kept as the base of the next write). */
  async live(userId: string): Promise<void> {
    this.showing = false;
    await this.read(userId);
  }

  /**
   * Something shown changed: a snapshot of it is written shortly (one write
   * for a burst). `loaded` is the list and the chats' loaded messages, newest
   * opened first, as they are now; chats not loaded now keep what was saved.
   */
  record(loaded: () => OfflineSnapshot): void {
    if (!this.store || this.showing || !this.user) return;
    this.next = loaded;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, SAVE_DELAY_MS);
  }

  /** Signed out: this user's saved data is deleted from the device. */
  async clear(): Promise<void> {
    const user = this.user;
    this.stop();
    this.user = "";
    this.conversations = [];
    this.messages = new Map();
    this.showing = false;
    if (user) await this.store?.clear(user).catch(() => {});
  }

  /** Stops a pending write (the page closes its connection). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.next = undefined;
  }

  private async read(userId: string): Promise<void> {
    if (this.user === userId) return;
    this.stop();
    this.user = userId;
    const saved = await this.store?.load(userId).catch(() => undefined);
    if (this.user !== userId) return;
    this.conversations = saved?.conversations ?? [];
    this.messages = new Map(saved?.messages ?? []);
  }

  private async write(): Promise<void> {
    const take = this.next;
    this.next = undefined;
    if (!take || !this.store || !this.user) return;
    const now = take();
    const merged = new Map<string, Message[]>();
    for (const [id, list] of now.messages) if (list.length > 0) merged.set(id, list.slice(-OFFLINE_MESSAGES));
    for (const [id, list] of this.messages) if (!merged.has(id)) merged.set(id, list);
    this.conversations = now.conversations.slice(0, OFFLINE_CONVERSATIONS);
    this.messages = new Map([...merged].slice(0, OFFLINE_CHATS));
    await this.store
      .save(this.user, { conversations: this.conversations, messages: [...this.messages] })
      .catch(() => {
        // Full or refused storage: the app works as before, only not offline.
      });
  }
}

import { applyReaction, type EditInput, type Message } from "@starling/sdk";
import type { Conversations } from "./conversations.js";
import type { OfflineCache } from "./offline-cache.js";
import type { Outbox } from "./outbox.js";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** Messages asked for per history page. */
export const PAGE = 50;
/**
 * Messages kept loaded per conversation. Scrolling further loads the next
 * page and drops the far end, so a chat of 100,000 messages never has more
 * than this many in the page.
 */
export const WINDOW = 300;
/** Messages loaded before the target of a jump into history. */
const BEFORE_JUMP = 25n;
/** Quoted messages kept from outside the loaded windows (the oldest asked for is dropped first). */
const QUOTES_KEPT = 500;

export interface SendExtra {
  attachments?: { fileId: string }[];
  replyToSeq?: bigint;
  mentions?: { userId: string; offset: number; length: number }[];
}

const bySeq = (a: Message, b: Message) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

/**
 * The messages loaded per conversation: a window of at most WINDOW messages
 * in seq order without duplicates, paged older and newer. After a jump into
 * history the window is `behind` (it stops short of the newest), and pushed
 * messages wait until paging reaches them; `complete` when the oldest is in.
 */
export class MessageWindows extends Store {
  private readonly windows = new Map<string, Message[]>();
  private readonly completed = new Set<string>();
  private readonly behindNewest = new Set<string>();
  /** Messages that replies quote, fetched because they were not loaded; null while asked or when gone. */
  private readonly quotes = new Map<string, Message | null>();

  constructor(
    private readonly session: Session,
    private readonly conversations: Conversations,
    private readonly outbox: Outbox,
    private readonly offline?: OfflineCache,
  ) {
    super();
  }

  /** Chats asked for while offline, loaded once connected. */
  private readonly wanted = new Set<string>();

  /** The loaded messages of a conversation, ascending by seq (empty before it is opened); while offline, the saved ones. */
  messages(conversationId: string): readonly Message[] {
    return this.windows.get(conversationId) ?? this.offline?.savedMessages(conversationId) ?? [];
  }

  /** The loaded chats' messages, the last opened first (what is saved for opening offline). */
  recent(): [string, Message[]][] {
    return [...this.windows].reverse();
  }

  /** Connected after being offline: the chats shown from saved messages load their history. */
  reopen(): void {
    const ids = [...this.wanted];
    this.wanted.clear();
    for (const id of ids) void this.open(id);
    this.changed();
  }

  /** Whether the conversation's oldest message is loaded. */
  complete(conversationId: string): boolean {
    return this.completed.has(conversationId);
  }

  /** Whether the loaded messages stop short of the newest (after a jump into history). */
  behind(conversationId: string): boolean {
    return this.behindNewest.has(conversationId);
  }

  /**
   * The message a reply quotes: from the loaded window, else fetched once by its seq (the
   * stores change when it arrives). Undefined until then, or when it cannot be read.
   */
  quoted(conversationId: string, seq: bigint): Message | undefined {
    const loaded = this.windows.get(conversationId)?.find((m) => m.seq === seq);
    if (loaded) return loaded;
    const key = `${conversationId} ${seq}`;
    if (this.quotes.has(key)) return this.quotes.get(key) ?? undefined;
    const c = this.session.client;
    if (!c) return undefined;
    this.quotes.set(key, null);
    for (const old of this.quotes.keys()) {
      if (this.quotes.size <= QUOTES_KEPT) break;
      this.quotes.delete(old);
    }
    c.history(conversationId, { afterSeq: seq - 1n, limit: 1 }).then(
      (page) => {
        const m = page.messages[0];
        if (m?.seq !== seq || !this.quotes.has(key)) return;
        this.quotes.set(key, m);
        this.changed();
      },
      // Not readable (left the group before it, gone): the reply keeps its generic label.
      () => undefined,
    );
    return undefined;
  }

  /** The newest page of a conversation, unless loaded already. */
  async open(conversationId: string): Promise<void> {
    if (this.windows.has(conversationId)) return;
    const c = this.session.client;
    const conv = c?.conversations.get(conversationId);
    if (this.session.phase === "offline") this.wanted.add(conversationId);
    if (!c || !conv) return;
    this.windows.set(conversationId, []);
    const page = await c.history(conversationId, { beforeSeq: conv.lastSeq + 1n, limit: PAGE });
    this.merge(conversationId, page.messages);
    if (!page.hasMore) this.completed.add(conversationId);
    this.changed();
  }

  /** Loads the messages around `seq`, replacing what was loaded (the jump target of a search hit). */
  async openAt(conversationId: string, seq: bigint): Promise<void> {
    const c = this.session.client;
    const conv = c?.conversations.get(conversationId);
    if (!c || !conv) return;
    const from = seq > BEFORE_JUMP ? seq - BEFORE_JUMP : 0n;
    const page = await c.history(conversationId, { afterSeq: from, limit: PAGE });
    this.windows.set(conversationId, []);
    this.completed.delete(conversationId);
    if (from === 0n) this.completed.add(conversationId);
    this.merge(conversationId, page.messages);
    const last = page.messages[page.messages.length - 1]?.seq ?? 0n;
    if (last < conv.lastSeq) this.behindNewest.add(conversationId);
    else this.behindNewest.delete(conversationId);
    this.changed();
  }

  /** The page before the oldest loaded message; past WINDOW the newest end is dropped. */
  async loadOlder(conversationId: string): Promise<void> {
    const c = this.session.client;
    const have = this.windows.get(conversationId);
    if (!c || !have || this.completed.has(conversationId)) return;
    const oldest = have[0]?.seq;
    if (oldest === undefined || oldest <= 1n) {
      this.completed.add(conversationId);
      this.changed();
      return;
    }
    const page = await c.history(conversationId, { beforeSeq: oldest, limit: PAGE });
    this.merge(conversationId, page.messages);
    if (!page.hasMore) this.completed.add(conversationId);
    const list = this.windows.get(conversationId) ?? [];
    if (list.length > WINDOW) {
      this.windows.set(conversationId, list.slice(0, WINDOW));
      this.behindNewest.add(conversationId);
    }
    this.changed();
  }

  /** The page after the newest loaded message, when the window is behind; past WINDOW the oldest end is dropped. */
  async loadNewer(conversationId: string): Promise<void> {
    const c = this.session.client;
    const have = this.windows.get(conversationId);
    const conv = c?.conversations.get(conversationId);
    if (!c || !have || !conv || !this.behindNewest.has(conversationId)) return;
    const newest = have[have.length - 1]?.seq ?? 0n;
    const page = await c.history(conversationId, { afterSeq: newest, limit: PAGE });
    this.merge(conversationId, page.messages);
    const last = page.messages[page.messages.length - 1]?.seq ?? newest;
    if (!page.hasMore || last >= conv.lastSeq) this.behindNewest.delete(conversationId);
    const list = this.windows.get(conversationId) ?? [];
    if (list.length > WINDOW) {
      this.windows.set(conversationId, list.slice(list.length - WINDOW));
      this.completed.delete(conversationId);
    }
    this.changed();
  }

  /**
   * A pushed message: added to its window when that is open and shows the
   * newest. A recall, edit or reaction event changes its target in place,
   * wherever it is loaded, to what a reload of history would show.
   */
  received(m: Message): void {
    const patched = this.applyEvent(m);
    if (this.windows.has(m.conversationId) && !this.behindNewest.has(m.conversationId)) {
      this.merge(m.conversationId, [m]);
      this.changed();
    } else if (patched) this.changed();
  }

  /**
   * Sends a message, through the outbox (which shows it until its ack);
   * the first one to a draft 1:1 chat creates it, and its window is loaded afresh.
   */
  async send(conversationId: string, text: string, extra: SendExtra = {}): Promise<void> {
    const c = this.session.client;
    // Offline, into a chat shown from what was saved: the outbox keeps it until the login works.
    if (!c && this.session.phase === "offline" && this.conversations.get(conversationId))
      await this.outbox.send(conversationId, { conversationId, text, ...extra });
    if (!c) return;
    const peer = this.conversations.drafts.get(conversationId);
    if (peer && !this.conversations.get(conversationId)) {
      await this.outbox.send(conversationId, { to: peer, text, ...extra });
      this.conversations.drafts.delete(conversationId);
      await c.getConversation(conversationId);
      this.windows.delete(conversationId);
      await this.open(conversationId);
      this.conversations.changed();
      return;
    }
    await this.outbox.send(conversationId, { conversationId, text, ...extra });
  }

  /**
   * Recalls one of this user's messages (or, for a group admin, anyone's);
   * the push that follows shows it recalled. A refusal rejects with the
   * server's StarlingError, its `code` saying why.
   */
  async recall(conversationId: string, seq: bigint): Promise<void> {
    await this.session.client?.recall(conversationId, seq);
  }

  /**
   * Replaces the text of one of this user's messages; the push that follows
   * shows it edited. A refusal (EDIT_WINDOW_EXPIRED...) rejects with the
   * server's StarlingError.
   */
  async edit(conversationId: string, seq: bigint, content: EditInput): Promise<void> {
    await this.session.client?.editMessage(conversationId, seq, content);
  }

  /** Adds or removes this user's reaction; the push that follows shows it. */
  async react(conversationId: string, seq: bigint, emoji: string, add: boolean): Promise<void> {
    await this.session.client?.react(conversationId, seq, emoji, add);
  }

  reset(): void {
    this.wanted.clear();
    this.windows.clear();
    this.quotes.clear();
    this.completed.clear();
    this.behindNewest.clear();
    this.changed();
  }

  /** Applies a recall, edit or reaction event to its loaded target; whether that changed anything. */
  private applyEvent(m: Message): boolean {
    const kind = m.event?.kind;
    switch (kind?.case) {
      case "messageRecalled": {
        const { by } = kind.value;
        return this.patch(m.conversationId, kind.value.targetSeq, (target) =>
          target.recalled
            ? undefined
            : {
                ...target,
                content: undefined,
                recalled: { $typeName: "starling.v1.Tombstone", by, at: m.serverTime },
              },
        );
      }
      case "messageEdited": {
        const { content, editedAt } = kind.value;
        return this.patch(m.conversationId, kind.value.targetSeq, (target) =>
          target.recalled || !content || !target.content
            ? undefined
            : // The files and the reply of the original stay as they were sent.
              {
                ...target,
                content: {
                  ...content,
                  attachments: target.content.attachments,
                  replyToSeq: target.content.replyToSeq,
                },
                editedAt,
              },
        );
      }
      case "reactionChanged": {
        const { by, emoji, added } = kind.value;
        return this.patch(m.conversationId, kind.value.targetSeq, (target) =>
          target.recalled
            ? undefined
            : { ...target, reactions: applyReaction(target.reactions, by, emoji, added) },
        );
      }
      default:
        return false;
    }
  }

  /** Replaces a loaded message by `change(message)` unless that is undefined; whether it did. */
  private patch(conversationId: string, seq: bigint, change: (m: Message) => Message | undefined): boolean {
    const key = `${conversationId} ${seq}`;
    const quote = this.quotes.get(key);
    const quoteChanged = quote ? change(quote) : undefined;
    if (quoteChanged) this.quotes.set(key, quoteChanged);
    return this.patchWindow(conversationId, seq, change) || quoteChanged !== undefined;
  }

  private patchWindow(
    conversationId: string,
    seq: bigint,
    change: (m: Message) => Message | undefined,
  ): boolean {
    const list = this.windows.get(conversationId);
    const i = list?.findIndex((x) => x.seq === seq) ?? -1;
    const target = list?.[i];
    const next = target && change(target);
    if (!list || !next) return false;
    const copy = [...list];
    copy[i] = next;
    this.windows.set(conversationId, copy);
    return true;
  }

  private merge(conversationId: string, incoming: readonly Message[]): void {
    const byKey = new Map((this.windows.get(conversationId) ?? []).map((m) => [m.seq, m]));
    for (const m of incoming) byKey.set(m.seq, m);
    this.windows.set(conversationId, [...byKey.values()].sort(bySeq));
  }
}

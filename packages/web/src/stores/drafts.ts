import type { KeyValueStorage } from "./environment.js";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** A mention in a draft: who, and where its "@name" is in the text (UTF-16 code units). */
export interface DraftMention {
  userId: string;
  offset: number;
  length: number;
}

/** What was written in a chat's composer and not sent yet. */
export interface Draft {
  text: string;
  mentions: DraftMention[];
}

const PREFIX = "starling.drafts.";
const NONE: Draft = { text: "", mentions: [] };

/**
 * The unsent text of each conversation, per signed-in user: kept when the
 * user switches chats and, in storage, across reloads; forgotten once sent
 * or emptied, and all of them on sign-out.
 */
export class Drafts extends Store {
  private owner = "";
  private byConversation = new Map<string, Draft>();

  constructor(
    private readonly session: Session,
    private readonly storage: KeyValueStorage,
  ) {
    super();
  }

  /** The draft of a conversation (empty when there is none). */
  get(conversationId: string): Draft {
    return this.load().get(conversationId) ?? NONE;
  }

  /** Whether a conversation has unsent text (the list marks it). */
  has(conversationId: string): boolean {
    return this.get(conversationId).text.trim() !== "";
  }

  /** Keeps what the composer holds; empty text forgets the draft. */
  set(conversationId: string, text: string, mentions: readonly DraftMention[] = []): void {
    const all = this.load();
    const before = all.get(conversationId);
    if (text.trim() === "") {
      if (!before) return;
      all.delete(conversationId);
    } else {
      all.set(conversationId, { text, mentions: mentions.map((m) => ({ ...m })) });
    }
    this.save();
    this.changed();
  }

  /** The draft was sent. */
  clear(conversationId: string): void {
    this.set(conversationId, "");
  }

  /** Signed out: this user's drafts are forgotten, here and in storage. */
  reset(): void {
    const user = this.owner || this.session.userId;
    if (user) this.storage.removeItem(PREFIX + user);
    this.owner = "";
    this.byConversation = new Map();
    this.changed();
  }

  /** The drafts of the signed-in user, read from storage when the user changes. */
  private load(): Map<string, Draft> {
    const user = this.session.userId;
    if (user === this.owner) return this.byConversation;
    this.owner = user;
    this.byConversation = new Map();
    if (!user) return this.byConversation;
    try {
      const saved = JSON.parse(this.storage.getItem(PREFIX + user) ?? "{}") as Record<string, Draft>;
      for (const [id, d] of Object.entries(saved)) {
        if (typeof d?.text === "string" && d.text.trim() !== "")
          this.byConversation.set(id, {
            text: d.text,
            mentions: Array.isArray(d.mentions) ? d.mentions : [],
          });
      }
    } catch {
      // A damaged entry is dropped; the next draft writes a fresh one.
    }
    return this.byConversation;
  }

  private save(): void {
    if (!this.owner) return;
    const key = PREFIX + this.owner;
    if (this.byConversation.size === 0) this.storage.removeItem(key);
    else this.storage.setItem(key, JSON.stringify(Object.fromEntries(this.byConversation)));
  }
}

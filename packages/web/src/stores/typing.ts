import type { Message, TypingEvent } from "@starling/sdk";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** This user's typing is announced at most this often per conversation. */
const SEND_EVERY_MS = 3000;
/** Someone's typing shows this long after their last notice. */
const SHOWN_MS = 6000;

/** Who is typing where, and this user's own typing announced (throttled). */
export class Typing extends Store {
  private readonly sent = new Map<string, number>();
  /** Conversation id -> who is typing there -> until when. */
  private readonly typists = new Map<string, Map<string, number>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly session: Session,
    private readonly now: () => number,
  ) {
    super();
  }

  /** Tells the others this user is typing (at most every few seconds). */
  typing(conversationId: string): void {
    const c = this.session.client;
    const at = this.now();
    if (!c || at - (this.sent.get(conversationId) ?? Number.NEGATIVE_INFINITY) < SEND_EVERY_MS) return;
    this.sent.set(conversationId, at);
    void c.typing(conversationId, true).catch(() => {});
  }

  /** Who else is typing in the conversation now. */
  typingIn(conversationId: string): string[] {
    const at = this.now();
    return [...(this.typists.get(conversationId) ?? [])]
      .filter(([, until]) => until > at)
      .map(([who]) => who);
  }

  /** Someone started or stopped typing; shown until they stop, send, or go quiet. */
  received(e: TypingEvent): void {
    if (e.userId === this.session.userId) return;
    const map = this.typists.get(e.conversationId) ?? new Map<string, number>();
    if (e.typing) map.set(e.userId, this.now() + SHOWN_MS);
    else map.delete(e.userId);
    this.typists.set(e.conversationId, map);
    this.changed();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.changed();
    }, SHOWN_MS + 100);
    this.timers.add(timer);
  }

  /** A message from someone ends their typing. */
  messageFrom(m: Message): void {
    if (this.typists.get(m.conversationId)?.delete(m.senderId)) this.changed();
  }

  reset(): void {
    this.sent.clear();
    this.typists.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.changed();
  }
}

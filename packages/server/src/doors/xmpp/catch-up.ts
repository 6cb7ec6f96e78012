import { ErrorCode, type Message, StarlingError } from "@starling/protocol";
import type { XmppContext } from "./context.js";

/** 1:1 chats looked at in a catch-up, most recent first. */
const MAX_CONVERSATIONS = 100;
/** Messages a catch-up shows per conversation, the first it missed; any more are in the archive. */
const MAX_PER_CONVERSATION = 200;
/** Seqs remembered per conversation as shown, the newest. */
const MAX_REMEMBERED = 400;
/** Ids of messages this session sent, remembered so a catch-up does not echo them back. */
const MAX_SENT_IDS = 1000;

/**
 * Catching an XMPP session up after the cluster bus was down. Pushes that
 * other nodes published while it was down never came; native clients run a
 * sync pass, but XMPP has none, so the session itself looks for what it has
 * not been shown since it started (the newest messages of its 1:1 chats and
 * joined rooms), and replays those through the same path as a push. It
 * remembers the seqs it has shown, not just the highest: two nodes writing
 * to one conversation can push seq 6 here before seq 5.
 */
export class CatchUp {
  private readonly since: number;
  private readonly shown = new Map<string, Set<number>>();
  private readonly sentIds = new Set<string>();

  constructor(private readonly ctx: XmppContext) {
    this.since = ctx.session.boundAt;
  }

  /** A message was handed to the session (a push or a catch-up); false when it already had it. */
  observe(msg: Message): boolean {
    const seq = Number(msg.seq);
    let set = this.shown.get(msg.conversationId);
    if (!set) this.shown.set(msg.conversationId, (set = new Set()));
    if (set.has(seq)) return false;
    set.add(seq);
    // Seqs come almost in order, so the first remembered is about the lowest.
    if (set.size > MAX_REMEMBERED) set.delete(set.values().next().value as number);
    return true;
  }

  /** This session sent a message under this id (it is not pushed back to it). */
  sent(clientMsgId: string): void {
    this.sentIds.add(clientMsgId);
    if (this.sentIds.size > MAX_SENT_IDS) this.sentIds.delete(this.sentIds.values().next().value as string);
  }

  /** The messages of its 1:1 chats and of `rooms` this session has not been shown, oldest first. */
  async missed(rooms: Iterable<string>): Promise<Message[]> {
    const history = this.ctx.core.history;
    const me = this.ctx.session.userId;
    const conversations = new Set(rooms);
    for (const chat of await history.recentDirect(me, MAX_CONVERSATIONS))
      conversations.add(chat.conversationId);
    const out: Message[] = [];
    for (const id of conversations) {
      const set = this.shown.get(id);
      try {
        // Up to the first seq it was shown (or what was stored before it started) the session has all.
        const floor = set?.size ? Math.min(...set) - 1 : await history.seqBefore(me, id, this.since);
        const { messages } = await history.page(me, id, {
          afterSeq: floor,
          beforeSeq: 0,
          limit: MAX_PER_CONVERSATION,
        });
        for (const m of messages) {
          if (set?.has(Number(m.seq))) continue;
          if (m.senderId === me && this.sentIds.has(m.clientMsgId)) continue;
          out.push(m);
        }
      } catch (err) {
        // Removed from a room meanwhile: nothing of it is this session's to see any more.
        if (!(err instanceof StarlingError && err.code === ErrorCode.NOT_A_MEMBER)) throw err;
      }
    }
    return out.sort((a, b) => Number(a.serverTime - b.serverTime || a.seq - b.seq));
  }
}

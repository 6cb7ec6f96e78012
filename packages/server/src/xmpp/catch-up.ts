import type { Message } from "@starling/protocol";
import { toWireMessage } from "../core/content.js";
import type { MessageRecord } from "../core/records.js";
import type { XmppContext } from "./context.js";

/** 1:1 chats looked at in a catch-up, most recent first. */
const MAX_CONVERSATIONS = 100;
/** Messages a catch-up looks at per conversation, the newest; older ones are in the archive. */
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
    this.since = ctx.core.deps.clock.now();
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
    const read = this.ctx.core.deps.store.read;
    const me = this.ctx.session.userId;
    const tails = new Map<string, number>();
    for (const t of await read.recentDirectConversations(me, MAX_CONVERSATIONS))
      tails.set(t.conversationId, t.lastSeq);
    for (const id of rooms) {
      const conv = await read.getConversation(id);
      if (conv) tails.set(id, conv.lastSeq);
    }
    const out: MessageRecord[] = [];
    for (const [id, last] of tails) {
      const set = this.shown.get(id);
      // Before the first seq it was shown (or stored before it started) the session has what it has.
      const floor = set?.size
        ? Math.min(...set) - 1
        : (await read.firstSeqAtTime(id, this.since, 0, last + 1)) - 1;
      if (floor >= last) continue;
      const rows = await read.getMessages(id, floor, last + 1, MAX_PER_CONVERSATION, true);
      for (const row of rows) {
        if (set?.has(row.seq)) continue;
        if (row.senderId === me && this.sentIds.has(row.clientMsgId)) continue;
        out.push(row);
      }
    }
    out.sort((a, b) => a.serverTime - b.serverTime || a.seq - b.seq);
    return out.map(toWireMessage);
  }
}

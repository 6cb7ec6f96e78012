import type { Message } from "@starling/protocol";
import { isDirectId } from "../../core/kernel/ids.js";
import type { XmppContext } from "./context.js";
import { delayOf, messageStanza } from "./render.js";

/** 1:1 chats looked at for offline messages, most recent first. */
const MAX_CONVERSATIONS = 100;
/** Offline messages per chat at one login; the rest come at the next one (and are in the archive). */
const MAX_PER_CONVERSATION = 100;

const COUNT_RANGE = 2 ** 32;
/** Chats with cursors waiting to be written that make the session write them before it ends. */
const MAX_PENDING_CHATS = 1000;

/**
 * Offline messages (what ejabberd's and Prosody's offline storage does),
 * without a store of their own: a 1:1 message is offline for a user until
 * their delivered cursor passes it, which any of their devices moves, and
 * which this session moves, when it ends, past what it has shown (what the
 * client has acknowledged, with stream management). At the session's initial
 * presence, what is still undelivered is sent with a XEP-0203 delay and its
 * stanza-id, oldest first, and the cursor moves past it, so no login gets it
 * twice. The rule against double delivery to clients that sync from the
 * archive is Prosody's: a session that queried MAM before its initial
 * presence gets no offline messages, since it is fetching them itself;
 * clients that query later see the same stanza-ids in both and de-duplicate.
 */
export class OfflineDelivery {
  private archiveQueried = false;
  private done = false;
  /** Messages shown live before the offline ones went out, so they are not shown twice. */
  private readonly live = new Set<string>();
  /** Per chat, the highest seq the client has had whose cursor is not written yet. */
  private readonly highest = new Map<string, number>();
  /** Messages written on a managed stream, by their XEP-0198 count, until the client acknowledges them. */
  private readonly unacked: { position: number; conversationId: string; seq: number }[] = [];

  constructor(private readonly ctx: XmppContext) {}

  /** The session queried an archive (XEP-0313). */
  queriedArchive(): void {
    this.archiveQueried = true;
  }

  /** The session's first available presence (RFC 6121 section 4.2): offline messages go out. */
  initialPresence(): void {
    if (this.done) return;
    this.done = true;
    if (this.archiveQueried) {
      this.live.clear();
      return;
    }
    this.deliver()
      .catch((err) =>
        this.ctx.log.warn({ err, session: this.ctx.session.id }, "xmpp offline delivery failed"),
      )
      .finally(() => this.live.clear());
  }

  /**
   * A 1:1 message from someone else was written to the session. Without
   * stream management that is delivery; with it, delivery is the client's
   * ack (XEP-0198), so a phone suspended until its session expires still
   * gets the message at its next login.
   */
  shown(msg: Message): void {
    if (!this.done) this.live.add(`${msg.conversationId}:${msg.seq}`);
    this.sent(msg.conversationId, Number(msg.seq));
  }

  /** The client acknowledged `h` stanzas: the messages among them are delivered. */
  acknowledged(h: number): void {
    while (this.unacked.length > 0) {
      const first = this.unacked[0] as { position: number; conversationId: string; seq: number };
      // Counts wrap at 2^32 (XEP-0198 section 4): a position at most half the range behind h is covered.
      if ((h - first.position + COUNT_RANGE) % COUNT_RANGE >= COUNT_RANGE / 2) return;
      this.unacked.shift();
      this.delivered(first.conversationId, first.seq);
    }
  }

  private sent(conversationId: string, seq: number): void {
    const position = this.ctx.session.sentCount;
    if (position === undefined) this.delivered(conversationId, seq);
    else this.unacked.push({ position, conversationId, seq });
  }

  private async deliver(): Promise<void> {
    const { core, session } = this.ctx;
    const me = session.userId;
    const waiting: Message[] = [];
    for (const chat of await core.history.recentDirect(me, MAX_CONVERSATIONS)) {
      if (chat.deliveredSeq >= chat.lastSeq) continue;
      const { messages } = await core.history.page(me, chat.conversationId, {
        // From the cursor on, oldest first (before_seq 0: up to the end).
        afterSeq: chat.deliveredSeq,
        beforeSeq: 0,
        limit: MAX_PER_CONVERSATION,
      });
      // A recalled message has no content any more; events are not chat messages.
      for (const m of messages)
        if (m.senderId !== me && !m.event && m.content && isDirectId(m.conversationId)) waiting.push(m);
    }
    waiting.sort((a, b) => Number(a.serverTime - b.serverTime || a.seq - b.seq));
    for (const msg of waiting) {
      if (this.live.has(`${msg.conversationId}:${msg.seq}`)) continue;
      const stanza = messageStanza(session, msg);
      if (!stanza) continue;
      stanza.children.push(delayOf(msg.serverTime, session.domain));
      session.send(stanza);
      this.sent(msg.conversationId, Number(msg.seq));
    }
  }

  /** Records that the client has `seq` of a chat; the cursor is written when the session ends. */
  private delivered(conversationId: string, seq: number): void {
    this.highest.set(conversationId, Math.max(this.highest.get(conversationId) ?? 0, seq));
    if (this.highest.size >= MAX_PENDING_CHATS) this.flush();
  }

  /** The session ended for good: the delivered cursors move past what it has had. */
  close(): void {
    this.unacked.length = 0;
    this.flush();
  }

  /**
   * One cursor write per chat, when the session ends rather than per message,
   * so delivery costs the online path nothing; a receipt or marker the client
   * sends moves the cursor at once anyway.
   */
  private flush(): void {
    const { core, session, log } = this.ctx;
    for (const [conversationId, seq] of this.highest)
      core.receipts
        .markDelivered(session.userId, conversationId, seq)
        .catch((err) => log.debug({ err, session: session.id }, "xmpp delivered cursor not moved"));
    this.highest.clear();
  }
}

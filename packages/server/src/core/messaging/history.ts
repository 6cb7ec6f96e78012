import { create, type Message, type ReadersResult, ReadersResultSchema } from "@starling/protocol";
import { invalid, notFound } from "../kernel/errors.js";
import { directPeers } from "../kernel/ids.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { MessageRecord } from "../kernel/records.js";
import { requireMember } from "./access.js";
import { toWireMessage } from "./content.js";
import type { MessagingStore } from "./store.js";
import type { Visibility } from "./visibility.js";

export interface HistoryQuery {
  afterSeq: number;
  beforeSeq: number;
  limit: number;
}

/** A message's size on the wire, closely enough for page budgets. */
export function messageBytes(m: MessageRecord): number {
  return (
    64 +
    m.conversationId.length +
    m.senderId.length +
    m.clientMsgId.length +
    (m.content?.length ?? 0) +
    (m.event?.length ?? 0) +
    (m.reactions ?? []).reduce(
      (n, r) => n + 8 + r.emoji.length * 2 + r.userIds.join("").length + 4 * r.userIds.length,
      0,
    )
  );
}

/**
 * Reading a conversation by seq: pages of history and who has read a
 * message. What a user may read is the read rule's (visibility.ts): a
 * former member pages up to leaving; who has read a message is for active
 * members only.
 */
export class History {
  constructor(
    private readonly store: MessagingStore,
    private readonly visibility: Visibility,
    private readonly limits: CoreLimits,
  ) {}

  async page(
    userId: string,
    conversationId: string,
    q: HistoryQuery,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    if (q.afterSeq < 0 || q.beforeSeq < 0) throw invalid("seq must not be negative", "after_seq");
    const limit = Math.min(Math.max(q.limit || 50, 1), this.limits.historyMaxLimit);
    const { upTo } = await this.visibility.require(userId, conversationId);
    // before_seq alone pages backwards from the end (scrollback); otherwise forwards from after_seq.
    const backwards = q.beforeSeq > 0 && q.afterSeq === 0;
    const before = q.beforeSeq > 0 ? Math.min(q.beforeSeq, upTo + 1) : upTo + 1;
    const rows = await this.store.read.getMessages(conversationId, q.afterSeq, before, limit + 1, backwards);
    let hasMore = rows.length > limit;
    let page = rows.slice(0, limit);
    // Stop early when the page would outgrow a frame; the client pages on.
    let bytes = 0;
    const over = page.findIndex((m) => (bytes += messageBytes(m)) > this.limits.maxResponseBytes);
    if (over >= 0 && page.length > 1) {
      // At least one message per page, so paging always moves on.
      page = page.slice(0, Math.max(over, 1));
      hasMore = true;
    }
    if (backwards) page.reverse();
    return { messages: page.map(toWireMessage), hasMore };
  }

  /**
   * The user's 1:1 chats that have messages, the most recent first, each with
   * the user's delivered cursor: where offline delivery (XMPP) starts from.
   */
  async recentDirect(
    userId: string,
    limit: number,
  ): Promise<{ conversationId: string; lastSeq: number; deliveredSeq: number }[]> {
    const out = [];
    for (const tail of await this.store.read.recentDirectConversations(userId, limit)) {
      const member = await this.store.read.getMember(tail.conversationId, userId);
      if (member) out.push({ ...tail, deliveredSeq: member.deliveredSeq });
    }
    return out;
  }

  /** The stored message at `seq`, if the user may read it. */
  async message(userId: string, conversationId: string, seq: number): Promise<MessageRecord | undefined> {
    const upTo = await this.visibility.upTo(userId, conversationId);
    return upTo !== undefined && seq > 0 && seq <= upTo
      ? this.store.read.getMessage(conversationId, seq)
      : undefined;
  }

  /** Stored messages with seq in (afterSeq, beforeSeq) the user may read, oldest first or (backwards) newest first. */
  async records(
    userId: string,
    conversationId: string,
    q: HistoryQuery & { backwards: boolean },
  ): Promise<MessageRecord[]> {
    const upTo = await this.visibility.upTo(userId, conversationId);
    if (upTo === undefined) return [];
    const before = Math.min(q.beforeSeq, upTo + 1);
    return this.store.read.getMessages(conversationId, q.afterSeq, before, q.limit, q.backwards);
  }

  /** The seq of the message `senderId` sent with `clientMsgId`, if the user may read it. */
  async seqOfClientId(
    userId: string,
    conversationId: string,
    senderId: string,
    clientMsgId: string,
  ): Promise<number | undefined> {
    const upTo = await this.visibility.upTo(userId, conversationId);
    if (upTo === undefined) return undefined;
    const [found] = await this.store.read.findByClientIds([{ conversationId, senderId, clientMsgId }]);
    return found && found.seq <= upTo ? found.seq : undefined;
  }

  /**
   * The peers of the user's 1:1 chats, most recently changed first, at most
   * `limit` chats looked at.
   */
  async directPeers(userId: string, limit: number): Promise<string[]> {
    const out: string[] = [];
    for (const v of await this.store.read.changedConversations(userId, 0, limit)) {
      const peers = directPeers(v.conversation.id);
      if (!peers || !v.member.active) continue;
      const peer = peers[0] === userId ? peers[1] : peers[0];
      if (peer && peer !== userId && !out.includes(peer)) out.push(peer);
    }
    return out;
  }

  /** The seq before the first message of the conversation stored at or after `time` (ms): a page's after_seq. */
  async seqBefore(userId: string, conversationId: string, time: number): Promise<number> {
    const { upTo } = await this.visibility.require(userId, conversationId);
    return (await this.store.read.firstSeqAtTime(conversationId, time, 0, upTo + 1)) - 1;
  }

  async readers(userId: string, conversationId: string, seq: number): Promise<ReadersResult> {
    const { conv } = await requireMember(this.store.read, conversationId, userId);
    if (seq <= 0 || seq > conv.lastSeq) throw invalid("seq is outside the conversation", "seq");
    const msg = await this.store.read.getMessage(conversationId, seq);
    if (!msg) throw notFound("no such message");
    const members = await this.store.read.listMembers(conversationId, true);
    const readBy: string[] = [];
    const unreadBy: string[] = [];
    for (const m of members) {
      if (m.userId === msg.senderId) continue;
      (m.readSeq >= seq ? readBy : unreadBy).push(m.userId);
    }
    return create(ReadersResultSchema, { readBy, unreadBy, memberCount: members.length });
  }
}

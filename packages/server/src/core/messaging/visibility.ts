import { notFound } from "../kernel/errors.js";
import { checkConversationId } from "../kernel/ids.js";
import type { ConversationRecord, MemberRecord } from "../kernel/records.js";
import type { ConversationReader } from "../kernel/shared-store.js";

/**
 * The one read rule: who may read message N of a conversation.
 *
 * - An active member reads every message. The two peers of a 1:1 chat are
 *   its members and never leave it.
 * - A former group member reads the messages up to the seq at which they
 *   left (what they saw), nothing after; rejoining makes them active again.
 * - Anyone else reads nothing.
 *
 * History, sync, MAM, search and file access all go by this rule. Queries
 * over one conversation receive the bound as a parameter; queries across a
 * user's conversations state it in SQL once (adapters/store/readable-sql.ts),
 * over the same member columns.
 */
export function readableUpTo(conv: ConversationRecord, member: MemberRecord | undefined): number | undefined {
  if (!member || member.conversationId !== conv.id) return undefined;
  if (member.active) return conv.lastSeq;
  return Math.min(conv.lastSeq, member.leftSeq ?? 0);
}

/** What one user may read of one conversation. */
export interface Readable {
  conv: ConversationRecord;
  member: MemberRecord;
  /** The last seq the user may read; messages 1..upTo. */
  upTo: number;
}

/** Asks the read rule against the store. */
export class Visibility {
  constructor(private readonly reader: ConversationReader) {}

  /**
   * The conversation, the user's membership and how far they may read, or
   * NOT_FOUND: the same whether the conversation exists or not, so an
   * outsider learns nothing of it.
   */
  async require(userId: string, conversationId: string): Promise<Readable> {
    const r = await this.of(userId, checkConversationId(conversationId));
    if (!r) throw notFound("no such conversation");
    return r;
  }

  /** As require, but undefined for a conversation the user may not read. */
  async of(userId: string, conversationId: string): Promise<Readable | undefined> {
    const member = await this.reader.getMember(conversationId, userId);
    if (!member) return undefined;
    const conv = await this.reader.getConversation(conversationId);
    if (!conv) return undefined;
    const upTo = readableUpTo(conv, member);
    return upTo === undefined ? undefined : { conv, member, upTo };
  }

  /** The last seq of the conversation the user may read, or undefined when they may read none of it. */
  async upTo(userId: string, conversationId: string): Promise<number | undefined> {
    return (await this.of(userId, conversationId))?.upTo;
  }
}

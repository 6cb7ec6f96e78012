import type { Message } from "@starling/protocol";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { forbidden, invalid, notFound } from "../kernel/errors.js";
import { MESSAGE_MARK_LIMITS } from "../kernel/limits.js";
import type { Bus, Clock } from "../kernel/ports.js";
import { requireMember, requireOpen } from "./access.js";
import { appendEvent } from "./append.js";
import { encodeEvent, toWireMessage } from "./content.js";
import type { Membership } from "./membership.js";
import { messageFrame } from "./push.js";
import type { MarkStore } from "./store.js";
import type { Visibility } from "./visibility.js";

/**
 * Pinned messages (置顶消息): messages shown on top of a chat to every member.
 * Either peer of a 1:1 chat may pin; in a group only its owner and admins,
 * since the pinned bar is shared by everyone in it. Each change is a
 * message_pinned event taking the next seq, so every device learns of it
 * through the ordinary message stream (as with recall), and the conversation
 * lists its pinned seqs. A recall unpins its message (in the store's recall).
 */
export class MessagePins {
  constructor(
    private readonly store: MarkStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly members: Membership,
    private readonly visibility: Visibility,
  ) {}

  /** The pinned messages, the most recently pinned first; none for a former member (as in the conversation). */
  async list(userId: string, conversationId: string): Promise<Message[]> {
    const { member, upTo } = await this.visibility.require(userId, conversationId);
    if (!member.active) return [];
    const out: Message[] = [];
    const pinned = (await this.store.read.pinnedSeqs([conversationId])).get(conversationId) ?? [];
    for (const seq of pinned) {
      const row = seq <= upTo ? await this.store.read.getMessage(conversationId, seq) : undefined;
      if (row) out.push(toWireMessage(row));
    }
    return out;
  }

  async set(userId: string, conversationId: string, seq: number, pinned: boolean): Promise<void> {
    if (!Number.isSafeInteger(seq) || seq <= 0) throw invalid("seq must be positive", "seq");
    const now = this.clock.now();
    const done = await this.store.transaction(async (tx) => {
      const { conv, member } = await requireMember(tx, conversationId, userId);
      requireOpen(conv);
      if (conv.kind === "group" && member.role !== "owner" && member.role !== "admin")
        throw forbidden("only the group's owner and admins can pin messages");
      if (pinned) {
        const target = seq <= conv.lastSeq ? await tx.getMessage(conversationId, seq) : undefined;
        if (!target) throw notFound("no such message");
        if (target.event) throw invalid("events cannot be pinned", "seq");
        if (target.recalledBy) throw new StarlingError(ErrorCode.CONFLICT, "the message was recalled");
        const max = MESSAGE_MARK_LIMITS.pinnedPerConversation;
        const current = (await tx.pinnedSeqs([conversationId])).get(conversationId) ?? [];
        if (current.includes(seq)) return undefined;
        if (current.length >= max)
          throw new StarlingError(
            ErrorCode.CONFLICT,
            `at most ${max} messages can be pinned; unpin one first`,
            {
              details: { limit: String(max) },
            },
          );
        await tx.pinMessage(conversationId, seq, userId, now);
      } else if (!(await tx.unpinMessage(conversationId, seq))) return undefined;
      const event = encodeEvent({
        kind: { case: "messagePinned", value: { by: userId, targetSeq: BigInt(seq), pinned } },
      });
      const row = await appendEvent(tx, conv, userId, event, now);
      return { row, recipients: [...(await this.members.of(tx, conv)).roles.keys()] };
    });
    // Pinning what is pinned (or unpinning what is not) changes nothing and tells no one.
    if (done) this.bus.publish(done.recipients, messageFrame(toWireMessage(done.row)));
  }
}

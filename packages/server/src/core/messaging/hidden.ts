import { ErrorCode, StarlingError } from "@starling/protocol";
import { invalid } from "../kernel/errors.js";
import { MESSAGE_MARK_LIMITS } from "../kernel/limits.js";
import type { Bus } from "../kernel/ports.js";
import { pushFrame } from "./push.js";
import type { MarkStore } from "./store.js";
import { readableUpTo, type Visibility } from "./visibility.js";

/**
 * Delete for me: a user hides messages from their own view, on all their
 * devices, while the other members still see them. Nothing leaves history or
 * sync, because a client checks that seqs are gapless; the conversation
 * lists the seqs the user hid instead (Conversation.hidden_seqs), and the
 * change takes a new version of the user's membership, so their other
 * devices see it by sync and are told at once with ConversationChanged.
 */
export class HiddenMessages {
  constructor(
    private readonly store: MarkStore,
    private readonly bus: Bus,
    private readonly visibility: Visibility,
  ) {}

  /** The seqs the user hid in the conversation, ascending. */
  async list(userId: string, conversationId: string): Promise<number[]> {
    await this.visibility.require(userId, conversationId);
    return (await this.store.read.hiddenSeqs(userId, [conversationId])).get(conversationId) ?? [];
  }

  async hide(
    userId: string,
    conversationId: string,
    seqs: readonly number[],
    sessionId?: string,
  ): Promise<void> {
    if (seqs.length === 0) throw invalid("give at least one seq", "seqs");
    if (seqs.length > MESSAGE_MARK_LIMITS.hidePerRequest)
      throw invalid(`at most ${MESSAGE_MARK_LIMITS.hidePerRequest} seqs per request`, "seqs");
    for (const s of seqs)
      if (!Number.isSafeInteger(s) || s <= 0) throw invalid("seqs must be positive", "seqs");
    const wanted = [...new Set(seqs)].sort((a, b) => a - b);
    // Outsiders get NOT_FOUND, as for reading; a former member may still tidy what they may read.
    await this.visibility.require(userId, conversationId);
    const changed = await this.store.transaction(async (tx) => {
      const member = await tx.getMember(conversationId, userId);
      const conv = await tx.getConversation(conversationId);
      const upTo = conv && member ? readableUpTo(conv, member) : undefined;
      if (!member || upTo === undefined) return false;
      if ((wanted[wanted.length - 1] as number) > upTo) throw invalid("no such message", "seqs");
      const hidden = new Set((await tx.hiddenSeqs(userId, [conversationId])).get(conversationId));
      const fresh = wanted.filter((s) => !hidden.has(s));
      if (fresh.length === 0) return false;
      const max = MESSAGE_MARK_LIMITS.hiddenPerConversation;
      if (hidden.size + fresh.length > max)
        throw new StarlingError(
          ErrorCode.CONFLICT,
          `at most ${max} messages can be hidden in one conversation`,
          {
            details: { limit: String(max) },
          },
        );
      await tx.hideMessages(conversationId, userId, fresh);
      await tx.updateMember(conversationId, userId, { version: await tx.nextVersions(1) });
      return true;
    });
    if (changed)
      this.bus.publish(
        [userId],
        pushFrame({ case: "conversationChanged", value: { conversationId } }),
        sessionId,
      );
  }
}

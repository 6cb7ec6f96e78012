import { invalid } from "../kernel/errors.js";
import type { Bus } from "../kernel/ports.js";
import type { ConversationStore } from "../kernel/shared-store.js";
import { requireMember } from "./access.js";
import { type AfterCommitHook, tellAfterCommit } from "./after-commit.js";
import type { Membership } from "./membership.js";
import { pushFrame } from "./push.js";

/**
 * Read and delivered cursors. A cursor only moves forward. Every active
 * member (and the user's other devices) is told; in a 1:1 chat the
 * conversation's version moves too, so a peer that was offline learns the
 * receipt from sync.
 */
export class Receipts {
  constructor(
    private readonly store: ConversationStore,
    private readonly bus: Bus,
    private readonly members: Membership,
    private readonly after?: AfterCommitHook,
  ) {}

  markRead(userId: string, conversationId: string, seq: number): Promise<void> {
    return this.advance(userId, conversationId, seq, true);
  }

  markDelivered(userId: string, conversationId: string, seq: number): Promise<void> {
    return this.advance(userId, conversationId, seq, false);
  }

  private async advance(userId: string, conversationId: string, seqIn: number, read: boolean): Promise<void> {
    if (!Number.isSafeInteger(seqIn) || seqIn < 0) throw invalid("seq must be a non-negative integer", "seq");
    const result = await this.store.transaction(async (tx) => {
      const { conv, member } = await requireMember(tx, conversationId, userId);
      const seq = Math.min(seqIn, conv.lastSeq);
      const readSeq = read ? Math.max(member.readSeq, seq) : member.readSeq;
      const deliveredSeq = Math.max(member.deliveredSeq, seq, readSeq);
      if (readSeq === member.readSeq && deliveredSeq === member.deliveredSeq) return undefined;
      const version = await tx.nextVersions(1);
      await tx.updateMember(conversationId, userId, { readSeq, deliveredSeq, version });
      if (conv.kind === "direct") await tx.updateConversation(conversationId, { version });
      const recipients = [...(await this.members.of(tx, conv)).roles.keys()];
      return { readSeq, deliveredSeq, recipients, readMoved: readSeq > member.readSeq };
    });
    if (!result) return;
    const frame = pushFrame({
      case: "receipt",
      value: {
        conversationId,
        userId,
        readSeq: BigInt(result.readSeq),
        deliveredSeq: BigInt(result.deliveredSeq),
      },
    });
    this.bus.publish(result.recipients, frame);
    if (result.readMoved) tellAfterCommit(this.after, (l) => l.read(userId, conversationId, result.readSeq));
  }
}

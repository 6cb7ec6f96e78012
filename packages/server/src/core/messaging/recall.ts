import { ErrorCode, StarlingError } from "@starling/protocol";
import { forbidden, invalid, notFound } from "../kernel/errors.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { Bus, Clock } from "../kernel/ports.js";
import { requireMember, requireOpen } from "./access.js";
import { type AfterCommitHook, tellAfterCommit } from "./after-commit.js";
import { appendEvent } from "./append.js";
import { encodeEvent, toWireMessage } from "./content.js";
import type { Membership } from "./membership.js";
import { messageFrame } from "./push.js";
import type { RecallStore } from "./store.js";

/**
 * Recall: the sender within the window, or a group owner/admin at any time.
 * The content is deleted from storage; the row keeps a tombstone, and a
 * message_recalled event takes the next seq so every device learns of it
 * through the ordinary message stream.
 */
export class Recaller {
  constructor(
    private readonly store: RecallStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly members: Membership,
    private readonly limits: CoreLimits,
    private readonly after?: AfterCommitHook,
  ) {}

  async recall(userId: string, conversationId: string, seq: number): Promise<void> {
    if (!Number.isSafeInteger(seq) || seq <= 0) throw invalid("seq must be positive", "seq");
    const now = this.clock.now();
    const { row, recipients } = await this.store.transaction(async (tx) => {
      const { conv, member } = await requireMember(tx, conversationId, userId);
      requireOpen(conv);
      const target = await tx.getMessage(conversationId, seq);
      if (!target) throw notFound("no such message");
      if (target.event) throw invalid("events cannot be recalled", "seq");
      if (target.recalledBy) throw new StarlingError(ErrorCode.CONFLICT, "the message was already recalled");
      const moderator = conv.kind === "group" && (member.role === "owner" || member.role === "admin");
      if (!moderator) {
        if (target.senderId !== userId)
          throw forbidden("only the sender or a group admin can recall a message");
        if (now - target.serverTime > this.limits.recallWindowMs) {
          throw new StarlingError(ErrorCode.RECALL_WINDOW_EXPIRED, "the recall window has passed", {
            details: { window_ms: String(this.limits.recallWindowMs) },
          });
        }
      }
      await tx.recallMessage(conversationId, seq, userId, now);
      const event = encodeEvent({
        kind: { case: "messageRecalled", value: { by: userId, targetSeq: BigInt(seq) } },
      });
      const row = await appendEvent(tx, conv, userId, event, now);
      return { row, recipients: [...(await this.members.of(tx, conv)).roles.keys()] };
    });
    this.bus.publish(recipients, messageFrame(toWireMessage(row)));
    tellAfterCommit(this.after, (l) => l.recalled(conversationId, seq));
  }
}

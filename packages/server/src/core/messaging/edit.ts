import {
  type Content,
  ContentSchema,
  create,
  ErrorCode,
  fromBinary,
  StarlingError,
} from "@starling/protocol";
import { forbidden, invalid, notFound } from "../kernel/errors.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { Bus, Clock } from "../kernel/ports.js";
import type { MessageRecord } from "../kernel/records.js";
import { messageDocument } from "../search/document.js";
import { requireMember, requireOpen } from "./access.js";
import { appendEvent } from "./append.js";
import { encodeEvent, toWireMessage, validateContent } from "./content.js";
import type { Membership } from "./membership.js";
import { checkMentionEveryone, mentionedIds, mentionsEveryone } from "./mention-rules.js";
import { messageFrame } from "./push.js";
import type { EditStore, EditTx } from "./store.js";

/** The target of an edit or a reaction: an existing user message that was not recalled. */
export async function requireEditable(
  tx: EditTx,
  conversationId: string,
  seq: number,
): Promise<MessageRecord> {
  if (!Number.isSafeInteger(seq) || seq <= 0) throw invalid("seq must be positive", "seq");
  const target = await tx.getMessage(conversationId, seq);
  if (!target) throw notFound("no such message");
  if (target.event) throw invalid("events cannot be changed", "seq");
  if (target.recalledBy || !target.content)
    throw new StarlingError(ErrorCode.CONFLICT, "the message was recalled");
  return target;
}

/**
 * Edit: the sender replaces the text of their own message within the edit window. The message
 * keeps its seq; its row takes the new content and edited_at, its search entry the new text, and
 * a message_edited event takes the next seq so every device learns of it through the ordinary
 * message stream (as a recall does). Attachments and the reply stay as sent: an edit changes what
 * was written, not what was shared, so no file changes hands.
 */
export class Editor {
  constructor(
    private readonly store: EditStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly members: Membership,
    private readonly limits: CoreLimits,
  ) {}

  async edit(
    userId: string,
    conversationId: string,
    seq: number,
    content: Content | undefined,
    /** A session that learns of its edit otherwise (an XMPP client's own correction): not pushed to. */
    exceptSession?: string,
  ): Promise<void> {
    if (content && content.attachments.length > 0)
      throw invalid("attachments cannot be edited", "content.attachments");
    const now = this.clock.now();
    const { row, recipients } = await this.store.transaction(async (tx) => {
      const { conv, member } = await requireMember(tx, conversationId, userId);
      requireOpen(conv);
      const target = await requireEditable(tx, conversationId, seq);
      if (target.senderId !== userId) throw forbidden("only the sender can edit a message");
      const window = this.limits.editWindowMs;
      if (window > 0 && now - target.serverTime > window) {
        throw new StarlingError(ErrorCode.EDIT_WINDOW_EXPIRED, "the edit window has passed", {
          details: { window_ms: String(window) },
        });
      }
      const old = fromBinary(ContentSchema, target.content as Uint8Array);
      // The same checks as a send, on the message as it will be stored.
      const merged = create(ContentSchema, {
        text: content?.text ?? "",
        mentions: content?.mentions ?? [],
        ...(content?.custom ? { custom: content.custom } : {}),
        replyToSeq: old.replyToSeq,
        attachments: old.attachments,
      });
      const bytes = validateContent(merged, this.limits);
      // An edit may not do what a send may not: @all stays the owner's and admins'.
      if (mentionsEveryone(merged)) checkMentionEveryone(conv, member.role);
      const doc = messageDocument(merged.text, merged.attachments);
      await tx.editMessage(
        conversationId,
        seq,
        bytes,
        now,
        doc && {
          conversationId,
          seq,
          senderId: target.senderId,
          serverTime: target.serverTime,
          ...doc,
        },
      );
      // Whoever the new text mentions finds the message in their mentions list, dated as sent;
      // a mention the edit took out stays listed (the index keeps what was ever mentioned).
      await tx.indexMentions(
        mentionedIds(merged).map((id) => ({
          userId: id,
          conversationId,
          seq,
          senderId: target.senderId,
          serverTime: target.serverTime,
        })),
      );
      const event = encodeEvent({
        kind: { case: "messageEdited", value: { by: userId, targetSeq: BigInt(seq), editedAt: BigInt(now) } },
      });
      const row = await appendEvent(tx, conv, userId, event, now, {}, { content: bytes, editOf: seq });
      return { row, recipients: [...(await this.members.of(tx, conv)).roles.keys()] };
    });
    this.bus.publish(recipients, messageFrame(toWireMessage(row)), exceptSession);
  }
}

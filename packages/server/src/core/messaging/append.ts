import type { ConversationRecord, MessageRecord } from "../kernel/records.js";
import type { ConversationPatch, ConversationWriter } from "../kernel/shared-store.js";

/**
 * Appends one event message (group change, recall, edit, reaction) to a conversation inside
 * a transaction: next seq, a new change-stream version, and the conversation
 * row updated with `patch`. Returns the stored row.
 */
export async function appendEvent(
  tx: ConversationWriter,
  conv: ConversationRecord,
  senderId: string,
  event: Uint8Array,
  now: number,
  patch: Omit<ConversationPatch, "lastSeq" | "version"> = {},
  extra: Pick<MessageRecord, "content" | "editOf"> | undefined = undefined,
): Promise<MessageRecord> {
  const seq = conv.lastSeq + 1;
  const version = await tx.nextVersions(1);
  const row: MessageRecord = {
    conversationId: conv.id,
    seq,
    senderId,
    // Client ids are printable ASCII without spaces (core.ts), so this can never collide with one.
    clientMsgId: `event ${seq}`,
    serverTime: now,
    content: null,
    event,
    recalledBy: null,
    recalledAt: null,
    ...extra,
  };
  await tx.insertMessages([row]);
  await tx.updateConversation(conv.id, { ...patch, lastSeq: seq, version });
  Object.assign(conv, patch, { lastSeq: seq, version });
  return row;
}

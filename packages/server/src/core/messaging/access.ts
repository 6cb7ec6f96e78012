import { ErrorCode, StarlingError } from "@starling/protocol";
import { notAMember, notFound } from "../kernel/errors.js";
import { checkConversationId } from "../kernel/ids.js";
import type { ConversationRecord, MemberRecord } from "../kernel/records.js";
import type { ConversationReader } from "../kernel/shared-store.js";

export interface Access {
  conv: ConversationRecord;
  member: MemberRecord;
}

/**
 * The conversation and the caller's active membership, or NOT_FOUND /
 * NOT_A_MEMBER. Both errors are the same for a conversation that exists and
 * one that does not, as far as an outsider can tell: outsiders get NOT_FOUND.
 */
export async function requireMember(
  reader: ConversationReader,
  conversationId: string,
  userId: string,
): Promise<Access> {
  checkConversationId(conversationId);
  const member = await reader.getMember(conversationId, userId);
  if (!member) throw notFound("no such conversation");
  if (!member.active) throw notAMember();
  const conv = await reader.getConversation(conversationId);
  if (!conv) throw notFound("no such conversation");
  return { conv, member };
}

export function requireOpen(conv: ConversationRecord): void {
  if (conv.disbanded) throw new StarlingError(ErrorCode.CONVERSATION_CLOSED, "the group was disbanded");
}

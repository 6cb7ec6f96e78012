import { forbidden, notAMember, notFound } from "../kernel/errors.js";
import { checkConversationId } from "../kernel/ids.js";
import type { ConversationRecord, MemberRole } from "../kernel/records.js";
import { requireOpen } from "../messaging/access.js";
import type { GroupsReader } from "./store.js";

/** Who asks: a member acting in the app, or an administrator acting from outside (CLI, admin API). */
export interface Actor {
  userId: string;
  /** Administrators skip membership and role checks. */
  admin?: boolean;
}

/** Who manages a group's profile (name, picture, announcement) and its invite links. */
export const MANAGERS: readonly MemberRole[] = ["owner", "admin"];

/** The open group, if the actor manages it; otherwise the reason they may not. */
export async function requireManager(
  reader: GroupsReader,
  actor: Actor,
  conversationId: string,
): Promise<ConversationRecord> {
  checkConversationId(conversationId);
  const conv = await reader.getConversation(conversationId);
  if (conv?.kind !== "group") throw notFound("no such group");
  if (!actor.admin) {
    const me = await reader.getMember(conversationId, actor.userId);
    if (!me?.active) throw me ? notAMember() : notFound("no such group");
    if (!MANAGERS.includes(me.role)) throw forbidden("this needs the role owner or admin");
  }
  requireOpen(conv);
  return conv;
}

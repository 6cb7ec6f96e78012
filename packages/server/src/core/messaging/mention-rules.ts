import { type Content, ErrorCode, StarlingError } from "@starling/protocol";
import type { ConversationRecord, MemberRole } from "../kernel/records.js";

/** The mention of everyone in a group (Content.mentions user_id), shown as "@all" / "@所有人". */
export const EVERYONE = "@all";

/** Whether a message mentions everyone. */
export function mentionsEveryone(content: Content): boolean {
  return content.mentions.some((m) => m.userId === EVERYONE);
}

/** Whom a message mentions, once each (user ids and "@all"), for the mentions index. */
export function mentionedIds(content: Content): string[] {
  return [...new Set(content.mentions.map((m) => m.userId))];
}

/**
 * The one rule of who may mention everyone: a group's owner and admins.
 * A member's @all is refused rather than quietly dropped, so the sender
 * learns why nobody was notified; in a 1:1 chat there is nobody to call
 * "everyone" beyond the peer, so it is refused there too.
 */
export function checkMentionEveryone(conv: ConversationRecord, role: MemberRole | undefined): void {
  if (conv.kind === "group" && (role === "owner" || role === "admin")) return;
  throw new StarlingError(
    ErrorCode.FORBIDDEN,
    conv.kind === "group"
      ? "only the group's owner and admins may mention everyone"
      : "@all is only for groups",
    { details: { field: "content.mentions", reason: "mention_everyone" } },
  );
}

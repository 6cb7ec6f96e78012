import type { FederationAllowList } from "../kernel/records.js";
import type { ConversationReader, UserReader } from "../kernel/shared-store.js";

/**
 * Whether a link's allow-list admits the user of this side: named, in a named
 * department (their primary one), or an active member of a named group.
 */
export async function admits(
  tx: UserReader & ConversationReader,
  allow: FederationAllowList,
  userId: string,
): Promise<boolean> {
  if (allow.users.includes(userId)) return true;
  if (allow.departments.length > 0) {
    const user = await tx.getUser(userId);
    if (user?.departmentId && allow.departments.includes(user.departmentId)) return true;
  }
  for (const groupId of allow.groups) if ((await tx.getMember(groupId, userId))?.active) return true;
  return false;
}

import { invalid } from "../kernel/errors.js";
import type { Bus, Clock } from "../kernel/ports.js";
import type { ConversationStore } from "../kernel/shared-store.js";
import { requireMember } from "./access.js";
import { pushFrame } from "./push.js";

/**
 * A member's own settings of a conversation (pinned, muted, which group
 * announcement they dismissed), the same on all
 * their devices: stored on the membership with a new change-stream version,
 * and the user's other sessions are told to fetch the conversation again.
 */
export class ConversationPrefs {
  constructor(
    private readonly store: ConversationStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  async set(
    userId: string,
    conversationId: string,
    prefs: {
      pinned?: boolean | undefined;
      muted?: boolean | undefined;
      announcementSeenAt?: number | undefined;
    },
    sessionId?: string,
  ): Promise<void> {
    const changed = await this.store.transaction(async (tx) => {
      const { member } = await requireMember(tx, conversationId, userId);
      const pinnedAt =
        prefs.pinned === undefined ? member.pinnedAt : prefs.pinned ? member.pinnedAt || this.clock.now() : 0;
      const muted = prefs.muted ?? member.muted;
      const seen = prefs.announcementSeenAt ?? member.announcementSeenAt ?? 0;
      if (!Number.isSafeInteger(seen) || seen < 0)
        throw invalid("announcement_seen_at must be a time in ms", "announcement_seen_at");
      if (pinnedAt === member.pinnedAt && muted === member.muted && seen === (member.announcementSeenAt ?? 0))
        return false;
      const version = await tx.nextVersions(1);
      await tx.updateMember(conversationId, userId, {
        ...(pinnedAt !== undefined ? { pinnedAt } : {}),
        ...(muted !== undefined ? { muted } : {}),
        announcementSeenAt: seen,
        version,
      });
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

import type { Bus } from "../kernel/ports.js";
import type { ConversationStore } from "../kernel/shared-store.js";
import { requireMember, requireOpen } from "./access.js";
import type { Membership } from "./membership.js";
import { pushFrame } from "./push.js";

/** Typing indicators: relayed to the other members' devices, never stored. */
export class TypingRelay {
  constructor(
    private readonly store: ConversationStore,
    private readonly bus: Bus,
    private readonly members: Membership,
  ) {}

  async typing(userId: string, conversationId: string, typing: boolean): Promise<void> {
    const { conv } = await requireMember(this.store.read, conversationId, userId);
    requireOpen(conv);
    const others = [...(await this.members.of(this.store.read, conv)).roles.keys()].filter(
      (id) => id !== userId,
    );
    if (others.length === 0) return;
    this.bus.publish(others, pushFrame({ case: "typing", value: { conversationId, userId, typing } }));
  }
}

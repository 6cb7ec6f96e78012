import { ErrorCode, StarlingError } from "@starling/protocol";
import { invalid } from "../kernel/errors.js";
import { REACTION_LIMITS } from "../kernel/limits.js";
import type { Bus, Clock } from "../kernel/ports.js";
import type { ReactionRecord } from "../kernel/records.js";
import { requireMember, requireOpen } from "./access.js";
import { appendEvent } from "./append.js";
import { checkTextCharacters, encodeEvent, toWireMessage } from "./content.js";
import { requireEditable } from "./edit.js";
import type { Membership } from "./membership.js";
import { messageFrame } from "./push.js";
import type { EditStore } from "./store.js";

/** Checks one reaction: a short string of visible characters, no spaces, no control characters. */
export function checkEmoji(emoji: string): string {
  const points = [...emoji].length;
  if (points === 0) throw invalid("emoji is empty", "emoji");
  if (points > REACTION_LIMITS.maxCodePoints)
    throw invalid(`emoji is longer than ${REACTION_LIMITS.maxCodePoints} code points`, "emoji");
  checkTextCharacters(emoji, "emoji");
  if (/\s/u.test(emoji)) throw invalid("emoji must not contain spaces", "emoji");
  return emoji;
}

/** `reactions` with `userId`'s `emoji` added or removed, or undefined when that changes nothing. */
export function changeReactions(
  reactions: readonly ReactionRecord[],
  userId: string,
  emoji: string,
  add: boolean,
): ReactionRecord[] | undefined {
  const entry = reactions.find((r) => r.emoji === emoji);
  const has = entry?.userIds.includes(userId) ?? false;
  if (has === add) return undefined;
  if (!add) {
    return reactions
      .map((r) => (r.emoji === emoji ? { emoji, userIds: r.userIds.filter((u) => u !== userId) } : r))
      .filter((r) => r.userIds.length > 0);
  }
  if (!entry && reactions.length >= REACTION_LIMITS.perMessage) {
    throw new StarlingError(
      ErrorCode.INVALID_ARGUMENT,
      `a message holds at most ${REACTION_LIMITS.perMessage} different reactions`,
      { details: { field: "emoji", limit: String(REACTION_LIMITS.perMessage) } },
    );
  }
  const mine = reactions.filter((r) => r.userIds.includes(userId)).length;
  if (mine >= REACTION_LIMITS.perUser) {
    throw new StarlingError(
      ErrorCode.INVALID_ARGUMENT,
      `one user puts at most ${REACTION_LIMITS.perUser} reactions on a message`,
      { details: { field: "emoji", limit: String(REACTION_LIMITS.perUser) } },
    );
  }
  if (!entry) return [...reactions, { emoji, userIds: [userId] }];
  return reactions.map((r) => (r.emoji === emoji ? { emoji, userIds: [...r.userIds, userId] } : r));
}

/**
 * Reactions: any member adds or removes an emoji on a user message. The message row carries the
 * aggregate (emoji -> users) so history and sync return it; each change is a reaction_changed
 * event at the next seq, so devices learn of it in order. A change that changes nothing (adding
 * twice, removing what is not there) stores nothing and sends nothing, so retries are safe.
 */
export class Reactions {
  constructor(
    private readonly store: EditStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly members: Membership,
  ) {}

  /** True when something changed. */
  async react(
    userId: string,
    conversationId: string,
    seq: number,
    emojiIn: string,
    add: boolean,
    /** A session that learns of its change otherwise (an XMPP client's own reactions): not pushed to. */
    exceptSession?: string,
  ): Promise<boolean> {
    const emoji = checkEmoji(emojiIn);
    const now = this.clock.now();
    const done = await this.store.transaction(async (tx) => {
      const { conv } = await requireMember(tx, conversationId, userId);
      requireOpen(conv);
      const target = await requireEditable(tx, conversationId, seq);
      const next = changeReactions(target.reactions ?? [], userId, emoji, add);
      if (!next) return undefined;
      await tx.setReactions(conversationId, seq, next);
      const event = encodeEvent({
        kind: { case: "reactionChanged", value: { by: userId, targetSeq: BigInt(seq), emoji, added: add } },
      });
      const row = await appendEvent(tx, conv, userId, event, now);
      return { row, recipients: [...(await this.members.of(tx, conv)).roles.keys()] };
    });
    if (!done) return false;
    this.bus.publish(done.recipients, messageFrame(toWireMessage(done.row)), exceptSession);
    return true;
  }
}

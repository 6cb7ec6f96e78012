/**
 * Who is alerted by a message, and how: the rules of push notifications,
 * pure so they are tested on their own. Delivery, bursts and wording are the
 * dispatcher's; this only answers "none", "quiet" (the badge changes, no
 * sound or banner) or "alert" for one recipient of one message.
 */

export type PushLevel = "none" | "quiet" | "alert";

/** What the rules know of one recipient of one message. */
export interface RecipientFacts {
  group: boolean;
  /** The conversation's active members. */
  memberCount: number;
  /** The recipient muted the conversation (conversation prefs). */
  muted: boolean;
  /** The message mentions the recipient by id. */
  mentioned: boolean;
  /** The message mentions everyone ("@all"). */
  mentionsEveryone: boolean;
  /** Online on some device and not away: they see the message as it arrives. */
  active: boolean;
  /** Their do-not-disturb holds now (protocol/dnd.ts, the rule every party shares). */
  doNotDisturb: boolean;
}

export interface PushRuleSettings {
  /** Groups with more members than this notify only mentions and @all; 0: never. */
  mentionsOnlyAbove: number;
}

/**
 * First whether the message is for this recipient at all, then how loudly.
 *
 * - Muted: nothing, unless the message mentions them by id. A mention of them
 *   breaks through a mute (as in Slack and DingTalk); @all does not, or one
 *   admin could wake everyone who muted a big group.
 * - A group above `mentionsOnlyAbove` members: only mentions of them and @all.
 * - Active elsewhere, or in do-not-disturb: quiet, so the badge stays true
 *   without a sound.
 */
export function pushLevel(f: RecipientFacts, rules: PushRuleSettings): PushLevel {
  if (f.muted && !f.mentioned) return "none";
  const big = f.group && rules.mentionsOnlyAbove > 0 && f.memberCount > rules.mentionsOnlyAbove;
  if (big && !f.mentioned && !f.mentionsEveryone) return "none";
  if (f.active || f.doNotDisturb) return "quiet";
  return "alert";
}

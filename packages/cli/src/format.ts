import type { Conversation, Message } from "@starling/sdk";

const pad = (n: number) => String(n).padStart(2, "0");

export function time(ms: bigint | number): string {
  const d = new Date(Number(ms));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "bob" for bob@domain when the domain is the viewer's own. */
export function shortId(userId: string, me: string): string {
  const at = userId.indexOf("@");
  return at > 0 && userId.slice(at) === me.slice(me.indexOf("@")) ? userId.slice(0, at) : userId;
}

export function describeEvent(m: Message, me: string): string {
  const e = m.event?.kind;
  const who = (id: string) => shortId(id, me);
  switch (e?.case) {
    case "groupCreated":
      return `${who(e.value.by)} created the group "${e.value.name}"`;
    case "membersAdded":
      return `${who(e.value.by)} added ${e.value.userIds.map(who).join(", ")}`;
    case "membersRemoved":
      return `${who(e.value.by)} removed ${e.value.userIds.map(who).join(", ")}`;
    case "memberLeft":
      return `${who(e.value.userId)} left${e.value.newOwnerId ? `; ${who(e.value.newOwnerId)} is the owner now` : ""}`;
    case "groupRenamed":
      return `${who(e.value.by)} renamed the group to "${e.value.name}"`;
    case "roleChanged":
      return `${who(e.value.by)} made ${who(e.value.userId)} ${e.value.role}`;
    case "groupDisbanded":
      return `${who(e.value.by)} disbanded the group`;
    case "messageRecalled":
      return `${who(e.value.by)} recalled message #${e.value.targetSeq}`;
    case "messageEdited":
      return `${who(e.value.by)} edited message #${e.value.targetSeq}: ${e.value.content?.text ?? ""}`;
    case "reactionChanged":
      return `${who(e.value.by)} ${e.value.added ? "reacted" : "took back"} ${e.value.emoji} ${e.value.added ? "to" : "on"} message #${e.value.targetSeq}`;
    case "messagePinned":
      return `${who(e.value.by)} ${e.value.pinned ? "pinned" : "unpinned"} message #${e.value.targetSeq}`;
    default:
      return "(event)";
  }
}

/** One line of history: "[seq] time sender: text". */
export function messageLine(m: Message, me: string): string {
  const head = `[${m.seq}] ${time(m.serverTime)} `;
  if (m.event) return `${head}* ${describeEvent(m, me)}`;
  if (m.recalled) return `${head}${shortId(m.senderId, me)}: (recalled by ${shortId(m.recalled.by, me)})`;
  const reply = m.content?.replyToSeq ? `(re #${m.content.replyToSeq}) ` : "";
  const custom = m.content?.custom ? ` [${m.content.custom.type}]` : "";
  const edited = m.editedAt > 0n ? " (edited)" : "";
  return `${head}${shortId(m.senderId, me)}: ${reply}${m.content?.text ?? ""}${custom}${edited}${reactionsOf(m)}`;
}

/** "  [👍 2  🎉 1]": each emoji and how many reacted with it. */
function reactionsOf(m: Message): string {
  if (m.reactions.length === 0) return "";
  return `  [${m.reactions.map((r) => `${r.emoji} ${r.userIds.length}`).join("  ")}]`;
}

/** The conversation's title as the viewer sees it. */
export function title(c: Conversation, me: string): string {
  return c.kind === 1 ? shortId(c.peerId, me) : `#${c.name}`;
}

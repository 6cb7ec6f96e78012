import type { Conversation, Message } from "@starling/sdk";
import type { Strings } from "../i18n.js";
import { contentSummary } from "./plain-text.js";

/** "14:05" today, "Yesterday" or a short date before that. */
export function shortTime(ms: number, t: Strings, now = Date.now()): string {
  if (!ms) return "";
  const d = new Date(ms);
  const today = new Date(now);
  const dayStart = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
  if (ms >= dayStart) return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (ms >= dayStart - 86_400_000) return t.yesterday;
  return d.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** The local part of a user id: "alice" for alice@example.com. */
export function shortName(userId: string): string {
  return userId.split("@")[0] ?? userId;
}

/** A conversation's name: the group's, or the other person's display name. */
export function title(c: Conversation, nameOf: (userId: string) => string = shortName): string {
  return c.name || nameOf(c.peerId);
}

export function preview(m: Message | undefined, t: Strings): string {
  if (!m) return "";
  if (m.recalled || m.event?.kind.case === "messageRecalled") return t.recalled;
  if (m.content) return contentSummary(m.content);
  return "";
}

/** A file's size the way people read it: "512 B", "40 KB", "3.2 MB". */
export function fileSize(bytes: bigint | number): string {
  const n = Number(bytes);
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

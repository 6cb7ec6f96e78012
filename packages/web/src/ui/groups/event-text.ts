import type { Event } from "@starling/sdk";
import type { Strings } from "../../i18n.js";
import { fill } from "../../i18n.js";

/** "Li Na", "Li Na and Wang Fang", "Li Na, Wang Fang and Zhao Lei"; 李娜、王芳 in Chinese. */
export function joinNames(names: string[], t: Strings): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(t.grListSep)}${t.grAnd}${names[names.length - 1]}`;
}

/**
 * The system line of a group event, with display names (the reader is "You"),
 * or undefined for events that are not shown as a line (a recall marks the
 * recalled message itself).
 */
export function eventText(
  event: Event,
  me: string,
  nameOf: (userId: string) => string,
  t: Strings,
): string | undefined {
  const who = (id: string) => (id === me ? t.grYou : nameOf(id));
  const k = event.kind;
  switch (k.case) {
    case "groupCreated":
      return fill(t.grCreated, { by: who(k.value.by), name: k.value.name });
    case "membersAdded":
      return fill(t.grAdded, { by: who(k.value.by), users: joinNames(k.value.userIds.map(who), t) });
    case "membersRemoved":
      return fill(t.grRemoved, { by: who(k.value.by), users: joinNames(k.value.userIds.map(who), t) });
    case "memberLeft":
      return k.value.newOwnerId
        ? fill(t.grLeftNewOwner, { user: who(k.value.userId), owner: who(k.value.newOwnerId) })
        : fill(t.grLeft, { user: who(k.value.userId) });
    case "groupRenamed":
      return fill(t.grRenamed, { by: who(k.value.by), name: k.value.name });
    case "roleChanged": {
      const template =
        k.value.role === "owner"
          ? t.grTransferred
          : k.value.role === "admin"
            ? t.grMadeAdmin
            : t.grUnmadeAdmin;
      return fill(template, { by: who(k.value.by), user: who(k.value.userId) });
    }
    case "groupDisbanded":
      return fill(t.grDisbanded, { by: who(k.value.by) });
    case "announcementChanged":
      return fill(k.value.text ? t.grAnnounced : t.grAnnouncementCleared, { by: who(k.value.by) });
    case "avatarChanged":
      return fill(t.grAvatarChanged, { by: who(k.value.by) });
    case "memberJoined":
      return fill(t.grJoinedByLink, { user: who(k.value.userId), by: who(k.value.invitedBy) });
    default:
      return undefined;
  }
}

import type { Core } from "../../core/core.js";
import type { UserRecord } from "../../core/kernel/records.js";
import { el, NS, type XElement } from "./stanza.js";

/** Roster items offered: recent chat partners, then colleagues of the user's department. */
const MAX_PARTNERS = 200;
const MAX_COLLEAGUES = 200;

/**
 * The roster (RFC 6121 section 2) is built, not kept: the people the user
 * has 1:1 chats with (group "Chats") and the colleagues of their primary
 * department (the department's name as group), all with subscription
 * "both", since everyone in a domain may see and message everyone.
 */
export async function rosterItems(
  core: Core,
  userId: string,
): Promise<Map<string, { user: UserRecord; groups: string[] }>> {
  // The roster is of the viewer's own domain: 1:1 partners elsewhere are not on it.
  const partners = await core.history.directPeers(userId, MAX_PARTNERS);
  const { department, users: colleagues } = await core.directory.colleagues(userId, MAX_COLLEAGUES);
  const people = new Map<string, UserRecord>();
  for (const u of await core.directory.people(userId, partners)) people.set(u.id, u);
  for (const u of colleagues) people.set(u.id, u);

  const items = new Map<string, { user: UserRecord; groups: string[] }>();
  for (const id of partners) {
    const user = people.get(id);
    if (user && user.status !== "left") items.set(id, { user, groups: ["Chats"] });
  }
  for (const user of colleagues) {
    const groups = items.get(user.id)?.groups ?? [];
    items.set(user.id, { user, groups: [...groups, department?.name ?? "Colleagues"] });
  }
  return items;
}

/** Roster items as a roster query (the answer to a get, or a push). */
export function rosterElement(items: Map<string, { user: UserRecord; groups: string[] }>): XElement {
  return el(
    "query",
    { xmlns: NS.roster },
    ...[...items.values()].map(({ user, groups }) =>
      el(
        "item",
        { jid: user.id, name: user.displayName, subscription: "both" },
        ...groups.map((g) => el("group", {}, g)),
      ),
    ),
  );
}

/** A person's vCard (XEP-0054) from the directory, for people of the viewer's own domain; undefined otherwise. */
export async function vcardOf(core: Core, viewerId: string, userId: string): Promise<XElement | undefined> {
  const user = await core.directory.person(viewerId, userId);
  if (!user) return undefined;
  const department = await core.directory.departmentOf(viewerId, user.departmentId ?? "");
  const parts: XElement[] = [el("FN", {}, user.displayName), el("NICKNAME", {}, user.displayName)];
  if (user.title) parts.push(el("TITLE", {}, user.title));
  if (department) parts.push(el("ORG", {}, el("ORGUNIT", {}, department.name)));
  if (user.email) parts.push(el("EMAIL", {}, el("INTERNET"), el("USERID", {}, user.email)));
  if (user.phone) parts.push(el("TEL", {}, el("WORK"), el("NUMBER", {}, user.phone)));
  return el("vCard", { xmlns: NS.vcard }, ...parts);
}

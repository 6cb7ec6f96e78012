import {
  create,
  type DepartmentListing,
  DepartmentListingSchema,
  type DirectoryChanges,
  DirectoryChangesSchema,
  type DirectorySearchResult,
  DirectorySearchResultSchema,
  type UserCard,
} from "@starling/protocol";
import { invalid, notFound } from "../kernel/errors.js";
import { domainOf } from "../kernel/ids.js";
import type { DepartmentRecord, DomainRecord, UserRecord } from "../kernel/records.js";
import { toDepartment, toUserCard } from "./cards.js";
import { dndHolds } from "./dnd.js";
import { DirectorySearchIndex } from "./search-index.js";
import type { DirectoryReader } from "./store.js";

export const DIRECTORY_LIMITS = {
  changesDefault: 1000,
  changesMax: 2000,
  membersDefault: 200,
  membersMax: 1000,
  searchDefault: 20,
  searchMax: 100,
  queryMaxLength: 64,
  cardsMax: 500,
};

const clamp = (n: number, dflt: number, max: number) => Math.min(Math.max(n || dflt, 1), max);

/**
 * Reading the organisation directory of the caller's own domain: changes
 * since a version, one department at a time, search, and user cards. A
 * caller never sees anything of another domain.
 */
export class Directory {
  private readonly index: DirectorySearchIndex;

  constructor(private readonly reader: DirectoryReader) {
    this.index = new DirectorySearchIndex(reader);
  }

  /** A domain served here, by name (public: the onboarding document names it). */
  getDomain(name: string): Promise<DomainRecord | undefined> {
    return this.reader.getDomain(name);
  }

  /**
   * Whether the user is in do-not-disturb at `atMs` (their setting, on the clock of their time
   * zone): the one question anything that would alert a user (offline push) asks.
   */
  async inDoNotDisturb(userId: string, atMs: number): Promise<boolean> {
    const user = await this.reader.getUser(userId);
    return user ? dndHolds(user.dnd, atMs) : false;
  }

  /** A person of the viewer's own domain, with their record as stored; undefined for anyone else. */
  async person(viewerId: string, userId: string): Promise<UserRecord | undefined> {
    if (domainOf(userId) !== domainOf(viewerId)) return undefined;
    return this.reader.getUser(userId);
  }

  /** The people of the viewer's own domain among `ids`. */
  async people(viewerId: string, ids: readonly string[]): Promise<UserRecord[]> {
    const domain = domainOf(viewerId);
    return this.reader.getUsers(ids.filter((id) => domainOf(id) === domain));
  }

  /** The viewer's department and up to `limit` of its other members; none when they have no department. */
  async colleagues(
    viewerId: string,
    limit: number,
  ): Promise<{ department: DepartmentRecord | undefined; users: UserRecord[] }> {
    const me = await this.reader.getUser(viewerId);
    if (!me?.departmentId) return { department: undefined, users: [] };
    const [department, members] = await Promise.all([
      this.reader.getDepartment(me.departmentId),
      this.reader.departmentMembers(me.departmentId, "", limit),
    ]);
    return { department, users: members.filter((u) => u.id !== viewerId) };
  }

  /** A department of the viewer's own domain. */
  async departmentOf(viewerId: string, id: string): Promise<DepartmentRecord | undefined> {
    const d = id ? await this.reader.getDepartment(id) : undefined;
    return d && d.domain === domainOf(viewerId) ? d : undefined;
  }

  /**
   * Users and departments changed after `since` (and at most `until`, when
   * not 0), oldest change first, paged across both.
   */
  async changes(viewerId: string, since: number, limitIn: number, until = 0): Promise<DirectoryChanges> {
    if (!Number.isSafeInteger(since) || since < 0)
      throw invalid("since_version must not be negative", "since_version");
    if (!Number.isSafeInteger(until) || until < 0)
      throw invalid("until_version must not be negative", "until_version");
    const domain = domainOf(viewerId);
    const limit = clamp(limitIn, DIRECTORY_LIMITS.changesDefault, DIRECTORY_LIMITS.changesMax);
    // Every version up to the counter is committed; a client fetches up to it in later requests,
    // which see all of them, so the counter may be read beside the pages rather than before.
    const bound = until > 0 ? until : undefined;
    const [domainVersion, users, departments] = await Promise.all([
      this.reader.directoryVersion(domain),
      this.reader.changedUsers(domain, since, limit + 1, bound),
      this.reader.changedDepartments(domain, since, limit + 1, bound),
    ]);
    // Versions are unique within a domain (one per change), so a merge by version pages cleanly.
    const merged: ({ user: UserRecord } | { dept: DepartmentRecord })[] = [
      ...users.map((user) => ({ user })),
      ...departments.map((dept) => ({ dept })),
    ].sort(
      (a, b) =>
        ("user" in a ? a.user.version : a.dept.version) - ("user" in b ? b.user.version : b.dept.version),
    );
    const page = merged.slice(0, limit);
    const out = create(DirectoryChangesSchema, {
      hasMore: merged.length > limit,
      version: BigInt(since),
      domainVersion: BigInt(domainVersion),
    });
    // Secondary departments of the page's users, found by the same version range (cheap when there are none).
    const pageUsers = page.flatMap((e) => ("user" in e ? [e.user] : []));
    const top = pageUsers.reduce((m, u) => Math.max(m, u.version), since);
    const others =
      pageUsers.length === 0
        ? new Map<string, string[]>()
        : group(await this.reader.otherDepartmentsInRange(domain, since, top));
    for (const e of page) {
      if ("user" in e) {
        if (e.user.status === "left") out.removedUserIds.push(e.user.id);
        else out.users.push(toUserCard(e.user, others.get(e.user.id)));
        out.version = BigInt(e.user.version);
      } else {
        if (e.dept.deleted) out.removedDepartmentIds.push(e.dept.id);
        else out.departments.push(toDepartment(e.dept));
        out.version = BigInt(e.dept.version);
      }
    }
    return out;
  }

  /** One department (or the top level for ""): its child departments and a page of its members. */
  async department(
    viewerId: string,
    departmentId: string,
    afterUserId: string,
    limitIn: number,
  ): Promise<DepartmentListing> {
    const domain = domainOf(viewerId);
    const limit = clamp(limitIn, DIRECTORY_LIMITS.membersDefault, DIRECTORY_LIMITS.membersMax);
    const out = create(DepartmentListingSchema, {});
    if (departmentId) {
      const dept = await this.reader.getDepartment(departmentId);
      if (!dept || dept.deleted || dept.domain !== domain) throw notFound("no such department");
      out.department = toDepartment(dept);
    }
    out.children = (await this.reader.childDepartments(domain, departmentId)).map(toDepartment);
    if (departmentId) {
      const members = await this.reader.departmentMembers(departmentId, afterUserId, limit + 1);
      const page = members.slice(0, limit);
      out.members = await this.cardsOf(page);
      if (members.length > limit) out.nextAfterUserId = page[page.length - 1]?.id ?? "";
    }
    return out;
  }

  /**
   * People by name, pinyin, initials or email (prefix matches first, then
   * substrings; every common reading of a name), and departments by name,
   * pinyin or initials with their members after them,
   * from an in-memory index kept at the store's directory version.
   */
  async search(viewerId: string, query: string, limitIn: number): Promise<DirectorySearchResult> {
    const domain = domainOf(viewerId);
    const key = query.trim().toLowerCase();
    if (key.length === 0) throw invalid("query is empty", "query");
    if (key.length > DIRECTORY_LIMITS.queryMaxLength)
      throw invalid(`query is longer than ${DIRECTORY_LIMITS.queryMaxLength} characters`, "query");
    const limit = clamp(limitIn, DIRECTORY_LIMITS.searchDefault, DIRECTORY_LIMITS.searchMax);
    // "zhang san" and "zhangsan" are the same pinyin; other text keeps its spaces.
    const keys = /^[a-z' ]+$/.test(key) && key.includes(" ") ? [key, key.replace(/[' ]/g, "")] : [key];
    const ids: string[] = [];
    for (const k of keys) {
      for (const id of await this.index.users(domain, k, limit))
        if (ids.length < limit && !ids.includes(id)) ids.push(id);
    }
    const departments: DepartmentRecord[] = [];
    for (const k of keys) {
      for (const d of await this.index.departments(domain, k, limit))
        if (departments.length < limit && !departments.some((x) => x.id === d.id)) departments.push(d);
    }
    const found = new Map<string, UserRecord>();
    for (const u of await this.reader.getUsers(ids)) found.set(u.id, u);
    const users = ids.flatMap((id) => {
      const u = found.get(id);
      return u ? [u] : [];
    });
    for (const d of departments) {
      if (users.length >= limit) break;
      for (const u of await this.reader.departmentMembers(d.id, "", limit - users.length))
        if (!users.some((x) => x.id === u.id)) users.push(u);
    }
    return create(DirectorySearchResultSchema, {
      users: await this.cardsOf(users.slice(0, limit)),
      departments: departments.map(toDepartment),
    });
  }

  /** Cards of users of the caller's domain; ids elsewhere or unknown are left out. */
  async cards(viewerId: string, ids: readonly string[]): Promise<UserCard[]> {
    if (ids.length > DIRECTORY_LIMITS.cardsMax)
      throw invalid(`more than ${DIRECTORY_LIMITS.cardsMax} ids`, "user_ids");
    const domain = domainOf(viewerId);
    const users = await this.reader.getUsers([...new Set(ids)].filter((id) => domainOf(id) === domain));
    return this.cardsOf(users.filter((u) => u.domain === domain));
  }

  private async cardsOf(users: readonly UserRecord[]): Promise<UserCard[]> {
    const others = await this.otherDepartments(users.map((u) => u.id));
    return users.map((u) => toUserCard(u, others.get(u.id)));
  }

  private async otherDepartments(userIds: readonly string[]): Promise<Map<string, string[]>> {
    return group(await this.reader.otherDepartments(userIds));
  }
}

/** Secondary departments by user. */
function group(rows: readonly { userId: string; departmentId: string }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const { userId, departmentId } of rows) {
    let list = map.get(userId);
    if (!list) map.set(userId, (list = []));
    list.push(departmentId);
  }
  return map;
}

import { type Kysely, sql } from "kysely";
import type { DirectoryReader, DirectoryWriter, DomainRecord, SearchMode, UserPatch } from "../core/ports.js";
import type { AuditRecord, DepartmentRecord, UserRecord } from "../core/records.js";
import { fromDepartment, fromUser, toAudit, toDepartment, toUser } from "./rows.js";
import type { Database, UserTable } from "./schema.js";

/** Above every code point: `key <= x < key + TOP` is "x starts with key" in byte order. */
const TOP = "\u{10FFFF}";
/** The user columns a directory search looks at (all kept in lower case). */
const SEARCH_COLUMNS = ["pinyin", "pinyin_initials", "name_key", "email"] as const;

const likeSubstring = (key: string) => `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const directoryCounter = (domain: string) => `directory:${domain}`;

/**
 * The directory, domains and audit queries of the Store port. Search keys
 * are compared byte-wise (PostgreSQL columns use the C collation), so a
 * prefix search is one index range per column on both databases.
 */
export class KyselyDirectory implements DirectoryReader, DirectoryWriter {
  constructor(protected readonly db: Kysely<Database>) {}

  async getDomain(name: string): Promise<DomainRecord | undefined> {
    const r = await this.db.selectFrom("domains").selectAll().where("name", "=", name).executeTakeFirst();
    return r
      ? { name: r.name, disabled: Number(r.disabled) !== 0, createdAt: Number(r.created_at) }
      : undefined;
  }

  async listDomains(): Promise<DomainRecord[]> {
    const rows = await this.db.selectFrom("domains").selectAll().orderBy("name").execute();
    return rows.map((r) => ({
      name: r.name,
      disabled: Number(r.disabled) !== 0,
      createdAt: Number(r.created_at),
    }));
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where("id", "in", [...ids])
      .execute();
    return rows.map(toUser);
  }

  async otherDepartments(userIds: readonly string[]): Promise<{ userId: string; departmentId: string }[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("user_departments")
      .selectAll()
      .where("user_id", "in", [...userIds])
      .orderBy("user_id")
      .orderBy("department_id")
      .execute();
    return rows.map((r) => ({ userId: r.user_id, departmentId: r.department_id }));
  }

  async changedUsers(domain: string, version: number, limit: number): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where("domain", "=", domain)
      .where("version", ">", version)
      .orderBy("version")
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async changedDepartments(domain: string, version: number, limit: number): Promise<DepartmentRecord[]> {
    const rows = await this.db
      .selectFrom("departments")
      .selectAll()
      .where("domain", "=", domain)
      .where("version", ">", version)
      .orderBy("version")
      .limit(limit)
      .execute();
    return rows.map(toDepartment);
  }

  async directoryVersion(domain: string): Promise<number> {
    const r = await this.db
      .selectFrom("counters")
      .select("value")
      .where("name", "=", directoryCounter(domain))
      .executeTakeFirst();
    return r ? Number(r.value) : 0;
  }

  async getDepartment(id: string): Promise<DepartmentRecord | undefined> {
    const r = await this.db.selectFrom("departments").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toDepartment(r) : undefined;
  }

  async childDepartments(domain: string, parentId: string): Promise<DepartmentRecord[]> {
    const rows = await this.db
      .selectFrom("departments")
      .selectAll()
      .where("domain", "=", domain)
      .where("parent_id", "=", parentId)
      .where("deleted", "=", 0)
      .orderBy("sort_order")
      .orderBy("name")
      .execute();
    return rows.map(toDepartment);
  }

  async findDepartment(
    domain: string,
    parentId: string,
    name: string,
  ): Promise<DepartmentRecord | undefined> {
    const r = await this.db
      .selectFrom("departments")
      .selectAll()
      .where("domain", "=", domain)
      .where("parent_id", "=", parentId)
      .where("name", "=", name)
      .where("deleted", "=", 0)
      .executeTakeFirst();
    return r ? toDepartment(r) : undefined;
  }

  async departmentMembers(departmentId: string, afterId: string, limit: number): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("department_id", "=", departmentId),
          eb(
            "id",
            "in",
            eb.selectFrom("user_departments").select("user_id").where("department_id", "=", departmentId),
          ),
        ]),
      )
      .where("status", "=", "active")
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async searchUsers(domain: string, key: string, mode: SearchMode, limit: number): Promise<UserRecord[]> {
    const found = new Map<string, UserTable>();
    if (mode === "prefix") {
      // One index range per column, best column first, until the page is full.
      for (const col of SEARCH_COLUMNS) {
        if (found.size >= limit) break;
        const rows = await this.db
          .selectFrom("users")
          .selectAll()
          .where("domain", "=", domain)
          .where(col, ">=", key)
          .where(col, "<", key + TOP)
          .where("status", "=", "active")
          .orderBy(col)
          .limit(limit)
          .execute();
        for (const r of rows) if (found.size < limit && !found.has(r.id)) found.set(r.id, r);
      }
    } else {
      const pattern = likeSubstring(key);
      const rows = await this.db
        .selectFrom("users")
        .selectAll()
        .where("domain", "=", domain)
        .where("status", "=", "active")
        .where((eb) =>
          eb.or(SEARCH_COLUMNS.map((col) => eb(col, "like", sql<string>`${pattern} escape '\\'`))),
        )
        .orderBy("name_key")
        .limit(limit)
        .execute();
      for (const r of rows) found.set(r.id, r);
    }
    return [...found.values()].map(toUser);
  }

  async searchDepartments(
    domain: string,
    key: string,
    mode: SearchMode,
    limit: number,
  ): Promise<DepartmentRecord[]> {
    let q = this.db
      .selectFrom("departments")
      .selectAll()
      .where("domain", "=", domain)
      .where("deleted", "=", 0);
    q =
      mode === "prefix"
        ? q.where("name_key", ">=", key).where("name_key", "<", key + TOP)
        : q.where("name_key", "like", sql<string>`${likeSubstring(key)} escape '\\'`);
    const rows = await q.orderBy("name_key").limit(limit).execute();
    return rows.map(toDepartment);
  }

  async listAudit(domain: string, beforeAt: number, limit: number): Promise<AuditRecord[]> {
    let q = this.db.selectFrom("audit_log").selectAll().where("domain", "=", domain);
    if (beforeAt > 0) q = q.where("at", "<", beforeAt);
    const rows = await q.orderBy("at", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.map(toAudit);
  }

  async createDomain(name: string, now: number): Promise<boolean> {
    const r = await this.db
      .insertInto("domains")
      .values({ name, disabled: 0, created_at: now })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async setDomainDisabled(name: string, disabled: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable("domains")
      .set({ disabled: disabled ? 1 : 0 })
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async nextDirectoryVersions(domain: string, count: number): Promise<number> {
    const name = directoryCounter(domain);
    // The row stays locked until commit (PostgreSQL), so versions become visible in the order they were allocated.
    await this.db
      .insertInto("counters")
      .values({ name, value: 0 })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    const r = await this.db
      .updateTable("counters")
      .set((eb) => ({ value: eb("value", "+", count) }))
      .where("name", "=", name)
      .returning("value")
      .executeTakeFirstOrThrow();
    return Number(r.value) - count + 1;
  }

  async insertUser(u: UserRecord): Promise<boolean> {
    const r = await this.db
      .insertInto("users")
      .values(fromUser(u))
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async updateUser(id: string, patch: UserPatch): Promise<boolean> {
    const current = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    if (!current) return false;
    const row = fromUser({ ...toUser(current), ...patch });
    const { id: _id, domain: _domain, created_at: _created, ...values } = row;
    const r = await this.db.updateTable("users").set(values).where("id", "=", id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async upsertDepartment(d: DepartmentRecord): Promise<void> {
    const row = fromDepartment(d);
    await this.db
      .insertInto("departments")
      .values(row)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({
          parent_id: row.parent_id,
          name: row.name,
          name_key: row.name_key,
          sort_order: row.sort_order,
          deleted: row.deleted,
          version: row.version,
        }),
      )
      .execute();
  }

  async setOtherDepartments(userId: string, departmentIds: readonly string[]): Promise<void> {
    await this.db.deleteFrom("user_departments").where("user_id", "=", userId).execute();
    if (departmentIds.length === 0) return;
    await this.db
      .insertInto("user_departments")
      .values(departmentIds.map((department_id) => ({ user_id: userId, department_id })))
      .execute();
  }

  async insertAudit(e: AuditRecord): Promise<void> {
    await this.db.insertInto("audit_log").values(e).execute();
  }
}

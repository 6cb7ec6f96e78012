import type { Kysely, Selectable } from "kysely";
import type { DirectoryReader, DirectoryWriter, DomainRecord, UserPatch } from "../../core/kernel/ports.js";
import type { AuditRecord, DepartmentRecord, UserRecord } from "../../core/kernel/records.js";
import type { Dialect } from "./migrations.js";
import { fromDepartment, fromUser, toAudit, toDepartment, toUser } from "./rows.js";
import type { Database, DomainTable } from "./schema.js";

const DIRECTORY_COLUMNS = [
  "id",
  "domain",
  "display_name",
  "role",
  "disabled",
  "created_at",
  "pinyin",
  "pinyin_initials",
  "title",
  "email",
  "phone",
  "avatar",
  "department_id",
  "status",
  "must_change_password",
  "version",
] as const;

const directoryCounter = (domain: string) => `directory:${domain}`;

const toDomain = (r: Selectable<DomainTable>): DomainRecord => ({
  name: r.name,
  disabled: Number(r.disabled) !== 0,
  createdAt: Number(r.created_at),
  maxFileBytes: Number(r.max_file_bytes),
  quotaBytes: Number(r.quota_bytes),
  usedBytes: Number(r.used_bytes),
});

/** The directory, domains and audit queries of the Store port. */
export class KyselyDirectory implements DirectoryReader, DirectoryWriter {
  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly dialect: Dialect = "sqlite",
  ) {}

  async getDomain(name: string): Promise<DomainRecord | undefined> {
    const r = await this.db.selectFrom("domains").selectAll().where("name", "=", name).executeTakeFirst();
    return r ? toDomain(r) : undefined;
  }

  async listDomains(): Promise<DomainRecord[]> {
    const rows = await this.db.selectFrom("domains").selectAll().orderBy("name").execute();
    return rows.map(toDomain);
  }

  async setDomainFileLimits(
    name: string,
    limits: { maxFileBytes: number; quotaBytes: number },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable("domains")
      .set({ max_file_bytes: limits.maxFileBytes, quota_bytes: limits.quotaBytes })
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
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

  async otherDepartmentsInRange(
    domain: string,
    after: number,
    upTo: number,
  ): Promise<{ userId: string; departmentId: string }[]> {
    const rows = await this.db
      .selectFrom("user_departments as ud")
      .innerJoin("users as u", "u.id", "ud.user_id")
      .select(["ud.user_id", "ud.department_id"])
      .where("u.domain", "=", domain)
      .where("u.version", ">", after)
      .where("u.version", "<=", upTo)
      .orderBy("ud.user_id")
      .orderBy("ud.department_id")
      .execute();
    return rows.map((r) => ({ userId: r.user_id, departmentId: r.department_id }));
  }

  async changedUsers(domain: string, version: number, limit: number, until?: number): Promise<UserRecord[]> {
    // Every column but the password hash, which a directory never needs (it comes back empty).
    let q = this.db
      .selectFrom("users")
      .select(DIRECTORY_COLUMNS)
      .where("domain", "=", domain)
      .where("version", ">", version);
    if (until !== undefined) q = q.where("version", "<=", until);
    const rows = await q.orderBy("version").limit(limit).execute();
    return rows.map((r) => toUser(r as typeof r & { password_hash?: string }));
  }

  async changedDepartments(
    domain: string,
    version: number,
    limit: number,
    until?: number,
  ): Promise<DepartmentRecord[]> {
    let q = this.db
      .selectFrom("departments")
      .selectAll()
      .where("domain", "=", domain)
      .where("version", ">", version);
    if (until !== undefined) q = q.where("version", "<=", until);
    const rows = await q.orderBy("version").limit(limit).execute();
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

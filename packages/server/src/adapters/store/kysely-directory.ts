import type { Kysely } from "kysely";
import type { DirectoryReads, DirectoryWrites } from "../../core/directory/store.js";
import type { DepartmentRecord, UserRecord } from "../../core/kernel/records.js";
import { directoryCounter } from "./kysely-users.js";
import { fromDepartment, toDepartment, toUser } from "./rows.js";
import type { Database } from "./schema.js";

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
  "status_text",
  "dnd_on",
  "dnd_until",
  "dnd_daily",
  "dnd_from",
  "dnd_to",
  "dnd_zone",
  "bot",
  "version",
] as const;

/** The directory's queries: users' directory fields, departments, secondary departments. */
export class KyselyDirectory implements DirectoryReads, DirectoryWrites {
  constructor(private readonly db: Kysely<Database>) {}

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
}

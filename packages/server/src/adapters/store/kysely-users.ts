import type { Kysely } from "kysely";
import type { AuditRecord, DomainRecord, UserRecord } from "../../core/kernel/records.js";
import type { AuditWriter, UserPatch, UserReader, UserWriter } from "../../core/kernel/shared-store.js";
import { fromUser, toDomain, toUser } from "./rows.js";
import type { Database } from "./schema.js";

/** The counter of a domain's directory versions. */
export const directoryCounter = (domain: string) => `directory:${domain}`;

/** Users, their domains, their sessions' end and the audit log: what accounts and the directory share. */
export class KyselyUsers implements UserReader, UserWriter, AuditWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async createDomain(name: string, now: number): Promise<boolean> {
    const r = await this.db
      .insertInto("domains")
      .values({ name, disabled: 0, created_at: now })
      .onConflict((oc) => oc.column("name").doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toUser(r) : undefined;
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

  async getDomain(name: string): Promise<DomainRecord | undefined> {
    const r = await this.db.selectFrom("domains").selectAll().where("name", "=", name).executeTakeFirst();
    return r ? toDomain(r) : undefined;
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

  async deleteSessionsOfUser(userId: string, exceptTokenHash?: string): Promise<number> {
    let q = this.db.deleteFrom("sessions").where("user_id", "=", userId);
    if (exceptTokenHash) q = q.where("token_hash", "<>", exceptTokenHash);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async insertAudit(e: AuditRecord): Promise<void> {
    await this.db.insertInto("audit_log").values(e).execute();
  }
}

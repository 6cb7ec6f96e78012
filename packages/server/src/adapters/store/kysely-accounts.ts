import type { Kysely } from "kysely";
import {
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanism,
} from "../../core/accounts/scram-keys.js";
import type { AccountsReads, AccountsWrites } from "../../core/accounts/store.js";
import type {
  AuditRecord,
  BotTokenRecord,
  ConversationRecord,
  DomainRecord,
  SessionRecord,
  UserRecord,
  UserSettingsRecord,
} from "../../core/kernel/records.js";
import { toAudit, toBotToken, toConversation, toDomain, toSession, toUser, toUserSettings } from "./rows.js";
import type { Database } from "./schema.js";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const fromB64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/** Accounts' and administration's queries: sessions, SCRAM keys (XMPP SASL), domains, admin lists. */
export class KyselyAccounts implements AccountsReads, AccountsWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const r = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    return r ? toSession(r) : undefined;
  }

  async getBotToken(tokenHash: string): Promise<BotTokenRecord | undefined> {
    const r = await this.db
      .selectFrom("bot_tokens")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    return r ? toBotToken(r) : undefined;
  }

  async listSessionsOfUser(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .selectAll()
      .where("user_id", "=", userId)
      .where("expires_at", ">", now)
      .execute();
    return rows.map(toSession);
  }

  async getUserSettings(userId: string): Promise<UserSettingsRecord | undefined> {
    const r = await this.db
      .selectFrom("user_settings")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return r ? toUserSettings(r) : undefined;
  }

  async getScramCredential(userId: string, mechanism: ScramMechanism): Promise<ScramCredential | undefined> {
    const r = await this.db
      .selectFrom("scram_credentials")
      .selectAll()
      .where("user_id", "=", userId)
      .where("mechanism", "=", mechanism)
      .executeTakeFirst();
    if (!r || !(SCRAM_MECHANISMS as readonly string[]).includes(r.mechanism)) return undefined;
    return {
      userId: r.user_id,
      mechanism: r.mechanism as ScramMechanism,
      salt: fromB64(r.salt),
      iterations: Number(r.iterations),
      storedKey: fromB64(r.stored_key),
      serverKey: fromB64(r.server_key),
    };
  }

  async listUsers(domain: string, afterId: string, limit: number): Promise<UserRecord[]> {
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where("domain", "=", domain)
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toUser);
  }

  async listDomains(): Promise<DomainRecord[]> {
    const rows = await this.db.selectFrom("domains").selectAll().orderBy("name").execute();
    return rows.map(toDomain);
  }

  async listGroups(domain: string, afterId: string, limit: number): Promise<ConversationRecord[]> {
    const rows = await this.db
      .selectFrom("conversations")
      .selectAll()
      .where("domain", "=", domain)
      .where("kind", "=", "group")
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toConversation);
  }

  async listAudit(domain: string, beforeAt: number, limit: number): Promise<AuditRecord[]> {
    let q = this.db.selectFrom("audit_log").selectAll().where("domain", "=", domain);
    if (beforeAt > 0) q = q.where("at", "<", beforeAt);
    const rows = await q.orderBy("at", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.map(toAudit);
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        token_hash: s.tokenHash,
        user_id: s.userId,
        device_id: s.deviceId,
        platform: s.platform,
        client: s.client,
        created_at: s.createdAt,
        last_active_at: s.lastActiveAt,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async touchSession(tokenHash: string, at: number): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ last_active_at: at })
      .where("token_hash", "=", tokenHash)
      .execute();
  }

  async putUserSettings(userId: string, s: UserSettingsRecord): Promise<void> {
    const row = {
      desktop_notifications: s.desktopNotifications ? 1 : 0,
      notification_sound: s.notificationSound ? 1 : 0,
      message_previews: s.messagePreviews ? 1 : 0,
      version: s.version,
    };
    await this.db
      .insertInto("user_settings")
      .values({ user_id: userId, ...row })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
      .execute();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
  }

  async putScramCredentials(credentials: readonly ScramCredential[]): Promise<void> {
    for (const c of credentials) {
      const row = {
        salt: b64(c.salt),
        iterations: c.iterations,
        stored_key: b64(c.storedKey),
        server_key: b64(c.serverKey),
      };
      await this.db
        .insertInto("scram_credentials")
        .values({ user_id: c.userId, mechanism: c.mechanism, ...row })
        .onConflict((oc) => oc.columns(["user_id", "mechanism"]).doUpdateSet(row))
        .execute();
    }
  }

  async setDomainDisabled(name: string, disabled: boolean): Promise<boolean> {
    const r = await this.db
      .updateTable("domains")
      .set({ disabled: disabled ? 1 : 0 })
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
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

  async setDomainPushPreviews(name: string, previews: DomainRecord["pushPreviews"]): Promise<boolean> {
    const r = await this.db
      .updateTable("domains")
      .set({ push_previews: previews })
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

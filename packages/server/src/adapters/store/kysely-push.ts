import { type Kysely, type Selectable, sql } from "kysely";
import type { PushDeviceRecord } from "../../core/kernel/records.js";
import type { PushReads, PushWrites } from "../../core/push/store.js";
import type { Database, PushDeviceTable } from "./schema.js";

function toDevice(r: Selectable<PushDeviceTable>): PushDeviceRecord {
  return {
    id: r.id,
    userId: r.user_id,
    provider: r.provider,
    platform: r.platform,
    appId: r.app_id,
    token: r.token,
    locale: r.locale,
    createdAt: Number(r.created_at),
    lastUsedAt: Number(r.last_used_at),
  };
}

/** Registered push devices, and the unread totals their badges show. */
export class KyselyPush implements PushReads, PushWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async listPushDevices(userId: string): Promise<PushDeviceRecord[]> {
    const rows = await this.db
      .selectFrom("push_devices")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toDevice);
  }

  async pushDevicesOf(userIds: readonly string[]): Promise<PushDeviceRecord[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom("push_devices")
      .selectAll()
      .where("user_id", "in", [...userIds])
      .orderBy("user_id")
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toDevice);
  }

  /*
   * From the cursors alone (conversations.last_seq - members.read_seq), in one query over the
   * members' rows: no message is read. This is an approximation the badge can afford: it also
   * counts the user's own messages and the conversation's events after their read cursor, which
   * the exact per-conversation count (countUnread) leaves out. A client that reads a chat moves
   * the cursor past its own messages, so the difference lasts until the user next reads it.
   */
  async unreadTotals(userIds: readonly string[], cap: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (userIds.length === 0) return out;
    const unread = sql<number>`case when c.last_seq - m.read_seq > ${cap} then ${cap} else c.last_seq - m.read_seq end`;
    const rows = await this.db
      .selectFrom("members as m")
      .innerJoin("conversations as c", "c.id", "m.conversation_id")
      .select(["m.user_id", (eb) => eb.fn.sum<number>(unread).as("total")])
      .where("m.user_id", "in", [...userIds])
      .where("m.active", "=", 1)
      .where("c.disbanded", "=", 0)
      .whereRef("c.last_seq", ">", "m.read_seq")
      .groupBy("m.user_id")
      .execute();
    for (const r of rows) {
      const total = Number(r.total);
      if (total > 0) out.set(r.user_id, total);
    }
    return out;
  }

  async upsertPushDevice(device: PushDeviceRecord): Promise<PushDeviceRecord> {
    await this.db
      .insertInto("push_devices")
      .values({
        id: device.id,
        user_id: device.userId,
        provider: device.provider,
        platform: device.platform,
        app_id: device.appId,
        token: device.token,
        locale: device.locale,
        created_at: device.createdAt,
        last_used_at: device.lastUsedAt,
      })
      .onConflict((oc) =>
        oc.columns(["provider", "token"]).doUpdateSet({
          user_id: device.userId,
          platform: device.platform,
          app_id: device.appId,
          locale: device.locale,
        }),
      )
      .execute();
    const row = await this.db
      .selectFrom("push_devices")
      .selectAll()
      .where("provider", "=", device.provider)
      .where("token", "=", device.token)
      .executeTakeFirstOrThrow();
    return toDevice(row);
  }

  async deletePushDevice(userId: string, by: { id?: string; token?: string }): Promise<boolean> {
    if (by.id === undefined && by.token === undefined) return false;
    let q = this.db.deleteFrom("push_devices").where("user_id", "=", userId);
    if (by.id !== undefined) q = q.where("id", "=", by.id);
    if (by.token !== undefined) q = q.where("token", "=", by.token);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deletePushDevicesById(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db
      .deleteFrom("push_devices")
      .where("id", "in", [...ids])
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async touchPushDevices(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable("push_devices")
      .set({ last_used_at: at })
      .where("id", "in", [...ids])
      .execute();
  }
}

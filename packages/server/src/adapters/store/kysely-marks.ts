import type { Kysely } from "kysely";
import type { FavouriteRecord } from "../../core/kernel/records.js";
import type { MarkReads, MarkWrites } from "../../core/messaging/store.js";
import type { Database } from "./schema.js";

/** Pinned messages, the messages each user hid, and favourites. */
export class KyselyMarks implements MarkReads, MarkWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async pinnedSeqs(conversationIds: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (conversationIds.length === 0) return out;
    const rows = await this.db
      .selectFrom("pinned_messages")
      .select(["conversation_id", "seq"])
      .where("conversation_id", "in", conversationIds)
      .orderBy("conversation_id")
      .orderBy("pinned_at", "desc")
      .orderBy("seq", "desc")
      .execute();
    for (const r of rows) push(out, r.conversation_id, Number(r.seq));
    return out;
  }

  async hiddenSeqs(userId: string, conversationIds: readonly string[]): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    if (conversationIds.length === 0) return out;
    const rows = await this.db
      .selectFrom("hidden_messages")
      .select(["conversation_id", "seq"])
      .where("user_id", "=", userId)
      .where("conversation_id", "in", conversationIds)
      .orderBy("conversation_id")
      .orderBy("seq")
      .execute();
    for (const r of rows) push(out, r.conversation_id, Number(r.seq));
    return out;
  }

  async getFavourite(userId: string, id: string): Promise<FavouriteRecord | undefined> {
    const r = await this.db
      .selectFrom("favourites")
      .selectAll()
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return r ? toFavourite(r) : undefined;
  }

  async findFavourite(
    userId: string,
    conversationId: string,
    seq: number,
  ): Promise<FavouriteRecord | undefined> {
    const r = await this.db
      .selectFrom("favourites")
      .selectAll()
      .where("user_id", "=", userId)
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .executeTakeFirst();
    return r ? toFavourite(r) : undefined;
  }

  async listFavourites(userId: string, beforeId: string, limit: number): Promise<FavouriteRecord[]> {
    let q = this.db.selectFrom("favourites").selectAll().where("user_id", "=", userId);
    if (beforeId !== "") q = q.where("id", "<", beforeId);
    const rows = await q.orderBy("id", "desc").limit(limit).execute();
    return rows.map(toFavourite);
  }

  async countFavourites(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom("favourites")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async pinMessage(conversationId: string, seq: number, by: string, at: number): Promise<boolean> {
    const r = await this.db
      .insertInto("pinned_messages")
      .values({ conversation_id: conversationId, seq, pinned_by: by, pinned_at: at })
      .onConflict((oc) => oc.columns(["conversation_id", "seq"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async unpinMessage(conversationId: string, seq: number): Promise<boolean> {
    const r = await this.db
      .deleteFrom("pinned_messages")
      .where("conversation_id", "=", conversationId)
      .where("seq", "=", seq)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async hideMessages(conversationId: string, userId: string, seqs: readonly number[]): Promise<number> {
    if (seqs.length === 0) return 0;
    const r = await this.db
      .insertInto("hidden_messages")
      .values(seqs.map((seq) => ({ user_id: userId, conversation_id: conversationId, seq })))
      .onConflict((oc) => oc.columns(["user_id", "conversation_id", "seq"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0);
  }

  async insertFavourite(f: FavouriteRecord): Promise<boolean> {
    const r = await this.db
      .insertInto("favourites")
      .values({
        id: f.id,
        user_id: f.userId,
        conversation_id: f.conversationId,
        seq: f.seq,
        saved_at: f.savedAt,
      })
      .onConflict((oc) => oc.columns(["user_id", "conversation_id", "seq"]).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async deleteFavourite(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("favourites")
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function toFavourite(r: Database["favourites"]): FavouriteRecord {
  return {
    id: r.id,
    userId: r.user_id,
    conversationId: r.conversation_id,
    seq: Number(r.seq),
    savedAt: Number(r.saved_at),
  };
}

import type { Kysely } from "kysely";
import type { ActivationReads, ActivationWrites } from "../../core/accounts/store.js";
import type { ActivationCodeRecord } from "../../core/kernel/records.js";
import type { Database } from "./schema.js";

const num = (v: unknown) => Number(v);

/** Activation codes, one per user, by the hash of the code. */
export class KyselyActivation implements ActivationReads, ActivationWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async getActivationCode(userId: string): Promise<ActivationCodeRecord | undefined> {
    const r = await this.db
      .selectFrom("activation_codes")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      userId: r.user_id,
      codeHash: r.code_hash,
      createdBy: r.created_by,
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      usedAt: num(r.used_at),
    };
  }

  async putActivationCode(c: ActivationCodeRecord): Promise<void> {
    const row = {
      code_hash: c.codeHash,
      created_by: c.createdBy,
      created_at: c.createdAt,
      expires_at: c.expiresAt,
      used_at: c.usedAt,
    };
    await this.db
      .insertInto("activation_codes")
      .values({ user_id: c.userId, ...row })
      .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
      .execute();
  }

  async useActivationCode(userId: string, codeHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable("activation_codes")
      .set({ used_at: at })
      .where("user_id", "=", userId)
      .where("code_hash", "=", codeHash)
      .where("used_at", "=", 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}

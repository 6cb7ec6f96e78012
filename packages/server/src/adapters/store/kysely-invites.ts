import type { Kysely } from "kysely";
import type { InviteReads, InviteWrites } from "../../core/groups/store.js";
import type { InviteRecord } from "../../core/kernel/records.js";
import type { Database } from "./schema.js";

const num = (v: unknown) => Number(v);

/** Group invite links, by the hash of their token. */
export class KyselyInvites implements InviteReads, InviteWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async getInvite(tokenHash: string): Promise<InviteRecord | undefined> {
    const r = await this.db
      .selectFrom("group_invites")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      tokenHash: r.token_hash,
      conversationId: r.conversation_id,
      createdBy: r.created_by,
      createdAt: num(r.created_at),
      expiresAt: num(r.expires_at),
      revokedAt: num(r.revoked_at),
    };
  }

  async insertInvite(i: InviteRecord): Promise<void> {
    await this.db
      .insertInto("group_invites")
      .values({
        token_hash: i.tokenHash,
        conversation_id: i.conversationId,
        created_by: i.createdBy,
        created_at: i.createdAt,
        expires_at: i.expiresAt,
        revoked_at: i.revokedAt,
      })
      .execute();
  }

  async revokeInvites(conversationId: string, at: number): Promise<number> {
    const r = await this.db
      .updateTable("group_invites")
      .set({ revoked_at: at })
      .where("conversation_id", "=", conversationId)
      .where("revoked_at", "=", 0)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

import type { Kysely, Selectable } from "kysely";
import type { BotsReads, BotsWrites } from "../../core/bots/store.js";
import type { BotTokenRecord, WebhookRecord } from "../../core/kernel/records.js";
import { toBotToken as toToken } from "./rows.js";
import type { Database, WebhookTable } from "./schema.js";

function toHook(r: Selectable<WebhookTable>): WebhookRecord {
  return {
    id: r.id,
    secretHash: r.secret_hash,
    conversationId: r.conversation_id,
    botId: r.bot_id,
    label: r.label,
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
  };
}

/** Bots' tokens and incoming webhooks. */
export class KyselyBots implements BotsReads, BotsWrites {
  constructor(private readonly db: Kysely<Database>) {}

  async listBotTokens(botId: string): Promise<BotTokenRecord[]> {
    const rows = await this.db
      .selectFrom("bot_tokens")
      .selectAll()
      .where("bot_id", "=", botId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toToken);
  }

  async insertBotToken(t: BotTokenRecord): Promise<void> {
    await this.db
      .insertInto("bot_tokens")
      .values({
        token_hash: t.tokenHash,
        id: t.id,
        bot_id: t.botId,
        label: t.label,
        scopes: t.scopes.join(" "),
        created_at: t.createdAt,
        created_by: t.createdBy,
      })
      .execute();
  }

  async deleteBotToken(botId: string, id: string): Promise<string | undefined> {
    const r = await this.db
      .deleteFrom("bot_tokens")
      .where("bot_id", "=", botId)
      .where("id", "=", id)
      .returning("token_hash")
      .executeTakeFirst();
    return r?.token_hash;
  }

  async getWebhook(id: string): Promise<WebhookRecord | undefined> {
    const r = await this.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toHook(r) : undefined;
  }

  async listWebhooks(conversationId: string): Promise<WebhookRecord[]> {
    const rows = await this.db
      .selectFrom("webhooks")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map(toHook);
  }

  async insertWebhook(h: WebhookRecord): Promise<void> {
    await this.db
      .insertInto("webhooks")
      .values({
        id: h.id,
        secret_hash: h.secretHash,
        conversation_id: h.conversationId,
        bot_id: h.botId,
        label: h.label,
        created_at: h.createdAt,
        created_by: h.createdBy,
      })
      .execute();
  }

  async deleteWebhook(conversationId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom("webhooks")
      .where("conversation_id", "=", conversationId)
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

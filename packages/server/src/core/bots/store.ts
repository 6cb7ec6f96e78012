import type { BotTokenRecord, WebhookRecord } from "../kernel/records.js";
import type { AuditWriter, ConversationReader, StorePort, UserReader } from "../kernel/shared-store.js";

/** A token by its hash is read by accounts (its resume), the one way a token signs in. */
export interface BotsReads {
  /** The bot's tokens, oldest first. */
  listBotTokens(botId: string): Promise<BotTokenRecord[]>;
  getWebhook(id: string): Promise<WebhookRecord | undefined>;
  /** The conversation's webhooks, oldest first. */
  listWebhooks(conversationId: string): Promise<WebhookRecord[]>;
}

export interface BotsWrites {
  insertBotToken(token: BotTokenRecord): Promise<void>;
  /** The token's hash when it was the bot's and is now deleted. */
  deleteBotToken(botId: string, id: string): Promise<string | undefined>;
  insertWebhook(hook: WebhookRecord): Promise<void>;
  deleteWebhook(conversationId: string, id: string): Promise<boolean>;
}

export interface BotsReader extends UserReader, ConversationReader, BotsReads {}

export interface BotsTx extends BotsReader, BotsWrites, AuditWriter {}

export type BotsStore = StorePort<BotsReader, BotsTx>;

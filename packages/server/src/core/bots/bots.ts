import { ErrorCode, StarlingError } from "@starling/protocol";
import type { Accounts } from "../accounts/accounts.js";
import type { AuditContext, Auditor } from "../directory/audit.js";
import { invalid, notFound } from "../kernel/errors.js";
import { domainOf } from "../kernel/ids.js";
import type { Bus, Clock, Random } from "../kernel/ports.js";
import type { BotTokenRecord, UserRecord } from "../kernel/records.js";
import { parseScopes } from "./scopes.js";
import type { BotsStore } from "./store.js";

/** Longest label of a token or a webhook ("CI", "monitoring"). */
export const MAX_BOT_LABEL_LENGTH = 100;

/** A label as given, or INVALID_ARGUMENT past its length. */
export function checkLabel(label: string): string {
  if (label.length > MAX_BOT_LABEL_LENGTH)
    throw invalid(`a label has at most ${MAX_BOT_LABEL_LENGTH} characters`, "label");
  return label;
}

/** Most tokens one bot holds at once: one per system it serves, rotated by issuing before revoking. */
export const MAX_TOKENS_PER_BOT = 20;

/** A token as its bot's administrator lists it: never the token or its hash. */
export type BotTokenSummary = Omit<BotTokenRecord, "tokenHash">;

/**
 * Bot accounts and their tokens (docs/bots.md). A bot is a user with the bot flag and no
 * password; it signs in with a token an administrator issued, which grants scopes. Callers
 * check who may administer the bot's domain; this module owns what a bot and a token are.
 */
export class Bots {
  constructor(
    private readonly store: BotsStore,
    private readonly accounts: Accounts,
    private readonly auditor: Auditor,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly bus: Bus,
  ) {}

  /** A new bot user; `id` is a full user id the caller may administer. */
  async create(by: AuditContext, id: string, displayName?: string): Promise<UserRecord> {
    return this.accounts.createUser(
      {
        id,
        bot: true,
        ...(displayName !== undefined ? { displayName } : {}),
      },
      (tx) => this.auditor.record(tx, by, domainOf(id), "bot.add", id),
    );
  }

  /** A new token for the bot: the only time the token itself is seen. */
  async issueToken(
    by: AuditContext,
    botId: string,
    label: string,
    scopes: readonly string[],
  ): Promise<BotTokenSummary & { token: string }> {
    const granted = parseScopes(scopes);
    await this.requireBot(botId);
    const token = `sb_${Buffer.from(this.random.bytes(32)).toString("base64url")}`;
    const record: BotTokenRecord = {
      tokenHash: this.random.sha256(token),
      id: Buffer.from(this.random.bytes(9)).toString("base64url"),
      botId,
      label: checkLabel(label),
      scopes: granted,
      createdAt: this.clock.now(),
      createdBy: by.actor,
    };
    await this.store.transaction(async (tx) => {
      if ((await tx.listBotTokens(botId)).length >= MAX_TOKENS_PER_BOT)
        throw new StarlingError(
          ErrorCode.CONFLICT,
          `a bot holds at most ${MAX_TOKENS_PER_BOT} tokens; revoke one first`,
        );
      await tx.insertBotToken(record);
      await this.auditor.record(tx, by, domainOf(botId), "bot.token.add", botId, {
        handle: record.id,
        scopes: granted,
      });
    });
    return { ...summary(record), token };
  }

  async listTokens(botId: string): Promise<BotTokenSummary[]> {
    await this.requireBot(botId);
    return (await this.store.read.listBotTokens(botId)).map(summary);
  }

  /** Deletes the token; connections signed in with it are closed on every node. */
  async revokeToken(by: AuditContext, botId: string, tokenId: string): Promise<void> {
    const hash = await this.store.transaction(async (tx) => {
      const h = await tx.deleteBotToken(botId, tokenId);
      if (h)
        await this.auditor.record(tx, by, domainOf(botId), "bot.token.revoke", botId, { handle: tokenId });
      return h;
    });
    if (!hash) throw notFound("no such token");
    this.bus.kick([botId], "logged_out", undefined, hash);
  }

  /** The bot user, or NOT_FOUND when the id names nobody or a person. */
  async requireBot(botId: string): Promise<UserRecord> {
    const user = await this.store.read.getUser(botId);
    if (!user?.bot) throw notFound(`no bot ${botId}`);
    return user;
  }
}

function summary({ tokenHash: _, ...shown }: BotTokenRecord): BotTokenSummary {
  return shown;
}

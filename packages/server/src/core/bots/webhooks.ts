import { create, ErrorCode, SendMessageSchema, StarlingError } from "@starling/protocol";
import type { AuditContext, Auditor } from "../directory/audit.js";
import { forbidden, notFound } from "../kernel/errors.js";
import type { Clock, Random } from "../kernel/ports.js";
import type { UserRecord, WebhookRecord } from "../kernel/records.js";
import { TokenBucket } from "../kernel/token-bucket.js";
import type { SendResult } from "../messaging/send-pipeline.js";
import { type Bots, checkLabel } from "./bots.js";
import type { BotsStore } from "./store.js";

/** Posts per second one webhook may make, and the burst it may save up (docs/bots.md). */
export const WEBHOOK_RATE = { perSecond: 1, burst: 10 } as const;
/** Most webhooks whose buckets are kept; past it the longest-kept is dropped (and refilled). */
const MAX_TRACKED_HOOKS = 10_000;
/** Most webhooks one conversation has. */
export const MAX_WEBHOOKS_PER_CONVERSATION = 20;
/** Longest client id of a post: with the hook's id it becomes the message's client_msg_id. */
export const MAX_HOOK_CLIENT_ID = 40;

/** What a webhook post carries (docs/bots.md). Message text is markdown already. */
export interface WebhookPost {
  text?: string;
  markdown?: string;
  /** The same id again stores nothing new: a retried POST posts once. */
  clientId?: string;
}

/** A webhook as listed: never its secret. */
export type WebhookSummary = Omit<WebhookRecord, "secretHash">;

/**
 * Who makes and revokes webhooks: a user (a group's owner, or an administrator of its domain by
 * role), or the admin API's caller, whose `adminScope` is a domain or "*" (the admin key, the CLI).
 */
export type HookCaller = AuditContext & ({ user: UserRecord } | { adminScope: string });

/**
 * Incoming webhooks: a URL with an id and a secret that posts into one conversation as a bot
 * that is a member of it. Only the secret's sha256 is stored; an unknown id and a wrong secret
 * are the same "not found", so a URL cannot be probed part by part.
 */
export class Webhooks {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly store: BotsStore,
    private readonly bots: Bots,
    private readonly auditor: Auditor,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly send: (senderId: string, msg: ReturnType<typeof sendMessage>) => Promise<SendResult>,
  ) {}

  async create(
    by: HookCaller,
    conversationId: string,
    botId: string,
    label: string,
  ): Promise<WebhookSummary & { secret: string; path: string }> {
    const domain = await this.requireManager(by, conversationId);
    await this.bots.requireBot(botId);
    const member = await this.store.read.getMember(conversationId, botId);
    if (!member?.active) throw forbidden("the bot must be a member of the conversation");
    const secret = Buffer.from(this.random.bytes(24)).toString("base64url");
    const hook: WebhookRecord = {
      id: Buffer.from(this.random.bytes(9)).toString("base64url"),
      secretHash: this.random.sha256(secret),
      conversationId,
      botId,
      label: checkLabel(label),
      createdAt: this.clock.now(),
      createdBy: by.actor,
    };
    await this.store.transaction(async (tx) => {
      if ((await tx.listWebhooks(conversationId)).length >= MAX_WEBHOOKS_PER_CONVERSATION)
        throw new StarlingError(ErrorCode.CONFLICT, "this conversation has the most webhooks it may have");
      await tx.insertWebhook(hook);
      await this.auditor.record(tx, by, domain, "webhook.add", conversationId, {
        hook: hook.id,
        bot: botId,
      });
    });
    const { secretHash: _, ...shown } = hook;
    // The HTTP route of a post (doors/http/hook-routes.ts): the one URL an outside system is given.
    return { ...shown, secret, path: `/api/v1/hooks/${hook.id}/${secret}` };
  }

  async list(by: HookCaller, conversationId: string): Promise<WebhookSummary[]> {
    await this.requireManager(by, conversationId);
    return (await this.store.read.listWebhooks(conversationId)).map(({ secretHash: _, ...h }) => h);
  }

  async revoke(by: HookCaller, conversationId: string, id: string): Promise<void> {
    const domain = await this.requireManager(by, conversationId);
    const ok = await this.store.transaction(async (tx) => {
      const gone = await tx.deleteWebhook(conversationId, id);
      if (gone) await this.auditor.record(tx, by, domain, "webhook.revoke", conversationId, { hook: id });
      return gone;
    });
    if (!ok) throw notFound("no such webhook");
    this.buckets.delete(id);
  }

  /** A post from outside: checked, rate limited per hook, sent as the hook's bot. */
  async post(id: string, secret: string, body: WebhookPost): Promise<SendResult> {
    // Hashes are compared, not secrets: timing tells an attacker nothing about the secret.
    const hook = id.length <= 64 && secret.length <= 128 ? await this.store.read.getWebhook(id) : undefined;
    if (!hook || hook.secretHash !== this.random.sha256(secret)) throw notFound("no such webhook");
    this.takeToken(id);
    const text = body.markdown ?? body.text ?? "";
    const clientId = body.clientId ?? Buffer.from(this.random.bytes(12)).toString("base64url");
    return this.send(hook.botId, sendMessage(hook.conversationId, `hook:${hook.id}:${clientId}`, text));
  }

  private takeToken(id: string): void {
    const now = this.clock.now();
    let bucket = this.buckets.get(id);
    if (!bucket) {
      if (this.buckets.size >= MAX_TRACKED_HOOKS) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = new TokenBucket(WEBHOOK_RATE.perSecond, WEBHOOK_RATE.burst, now);
      this.buckets.set(id, bucket);
    }
    if (!bucket.take(now))
      throw new StarlingError(ErrorCode.RATE_LIMITED, "this webhook posts too often", {
        retryAfterMs: bucket.waitMs(),
        retryable: true,
      });
  }

  /** The group's owner, or an administrator of the group's domain; gives that domain. */
  private async requireManager(by: HookCaller, conversationId: string): Promise<string> {
    const conv = await this.store.read.getConversation(conversationId);
    if (conv?.kind !== "group") throw notFound("no such group");
    if ("adminScope" in by) {
      // Another domain's group is "not found" to a domain administrator, as in the admin API.
      if (by.adminScope !== "*" && by.adminScope !== conv.domain) throw notFound("no such group");
      return conv.domain;
    }
    if (by.user.role === "admin" && by.user.domain === conv.domain) return conv.domain;
    const member = await this.store.read.getMember(conversationId, by.user.id);
    if (member?.active && member.role === "owner") return conv.domain;
    throw forbidden("only the group's owner or an administrator manages its webhooks");
  }
}

function sendMessage(conversationId: string, clientMsgId: string, text: string) {
  return create(SendMessageSchema, { conversationId, clientMsgId, content: { text } });
}

import {
  type Conversation,
  create,
  ErrorCode,
  type Invite,
  InviteSchema,
  StarlingError,
} from "@starling/protocol";
import { notFound } from "../kernel/errors.js";
import { domainOf } from "../kernel/ids.js";
import { type CoreLimits, INVITE_TTL_MS, MAX_INVITE_TOKEN_LENGTH } from "../kernel/limits.js";
import type { Bus, Clock, Random } from "../kernel/ports.js";
import type { ConversationRecord, InviteRecord } from "../kernel/records.js";
import { requireOpen } from "../messaging/access.js";
import { appendEvent } from "../messaging/append.js";
import { encodeEvent, toWireMessage } from "../messaging/content.js";
import { messageFrame } from "../messaging/push.js";
import type { SyncService } from "../messaging/sync.js";
import { type Actor, MANAGERS, requireManager } from "./managers.js";
import type { GroupsStore, GroupsTx } from "./store.js";

/** Random bytes in a token: 192 bits, beyond guessing. */
const TOKEN_BYTES = 24;

const invalidInvite = () => new StarlingError(ErrorCode.INVITE_INVALID, "no such invite link");

/**
 * Invite links to a group. An owner or admin makes one; anyone of the group's
 * domain who holds the token may look at what it is for and join, until it
 * expires (INVITE_TTL_MS) or is revoked, and while the member who made it is
 * still an owner or admin there: a link outlives nobody's authority. Only the
 * token's hash is stored, so the table gives no way in. Joining is an event
 * (member_joined) like any other membership change.
 */
export class GroupInvites {
  constructor(
    private readonly store: GroupsStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly sync: SyncService,
    private readonly limits: CoreLimits,
  ) {}

  async create(actor: Actor, conversationId: string): Promise<Invite> {
    const conv = await this.manage(actor, conversationId);
    const token = Buffer.from(this.random.bytes(TOKEN_BYTES)).toString("base64url");
    const now = this.clock.now();
    const invite: InviteRecord = {
      tokenHash: this.random.sha256(token),
      conversationId: conv.id,
      createdBy: actor.userId,
      createdAt: now,
      expiresAt: now + INVITE_TTL_MS,
      revokedAt: 0,
    };
    await this.store.transaction((tx) => tx.insertInvite(invite));
    return this.describe(conv, invite, token, false);
  }

  /** Revokes every link of the group made so far; returns how many were still usable. */
  async revoke(actor: Actor, conversationId: string): Promise<number> {
    const conv = await this.manage(actor, conversationId);
    return this.store.transaction((tx) => tx.revokeInvites(conv.id, this.clock.now()));
  }

  /** What a link is for (group name, member count), for someone deciding whether to join. */
  async preview(userId: string, token: string): Promise<Invite> {
    const { conv, invite } = await this.usable(this.store.read, userId, token);
    const me = await this.store.read.getMember(conv.id, userId);
    return this.describe(conv, invite, "", me?.active === true);
  }

  /** Joins the group of the link; joining a group one is in already changes nothing. */
  async join(userId: string, token: string): Promise<Conversation> {
    const out = await this.store.transaction(async (tx) => {
      const { conv, invite } = await this.usable(tx, userId, token);
      const me = await tx.getMember(conv.id, userId);
      if (me?.active) return { conv, row: undefined, recipients: [] };
      if (conv.memberCount + 1 > this.limits.groupMaxMembers)
        throw new StarlingError(
          ErrorCode.GROUP_FULL,
          `a group has at most ${this.limits.groupMaxMembers} members`,
          { details: { limit: String(this.limits.groupMaxMembers) } },
        );
      if (!(await tx.getUser(userId))) throw notFound("no such user");
      const now = this.clock.now();
      const version = await tx.nextVersions(1);
      await tx.upsertMember({
        conversationId: conv.id,
        userId,
        role: "member",
        active: true,
        readSeq: 0,
        deliveredSeq: 0,
        joinedAt: now,
        version,
      });
      const event = encodeEvent({
        kind: { case: "memberJoined", value: { userId, invitedBy: invite.createdBy } },
      });
      const patch = { memberCount: conv.memberCount + 1, memberVersion: conv.memberVersion + 1 };
      const row = await appendEvent(tx, conv, userId, event, now, patch);
      const recipients = (await tx.listMembers(conv.id, true)).map((m) => m.userId);
      return { conv, row, recipients };
    });
    if (out.row) this.bus.publish(out.recipients, messageFrame(toWireMessage(out.row)));
    return this.sync.one(userId, out.conv.id);
  }

  /** The group of a link that may be used now by this user, or the reason it may not. */
  private async usable(
    reader: GroupsTx | GroupsStore["read"],
    userId: string,
    token: string,
  ): Promise<{ conv: ConversationRecord; invite: InviteRecord }> {
    if (token.length === 0 || token.length > MAX_INVITE_TOKEN_LENGTH) throw invalidInvite();
    const invite = await reader.getInvite(this.random.sha256(token));
    if (!invite || invite.revokedAt > 0) throw invalidInvite();
    if (this.clock.now() >= invite.expiresAt)
      throw new StarlingError(ErrorCode.INVITE_EXPIRED, "the invite link has expired");
    const conv = await reader.getConversation(invite.conversationId);
    if (conv?.kind !== "group") throw invalidInvite();
    if (domainOf(userId) !== conv.domain)
      throw new StarlingError(ErrorCode.CROSS_DOMAIN, "the invite link is for another domain");
    requireOpen(conv);
    const maker = await reader.getMember(conv.id, invite.createdBy);
    if (!maker?.active || !MANAGERS.includes(maker.role)) throw invalidInvite();
    return { conv, invite };
  }

  private manage(actor: Actor, conversationId: string): Promise<ConversationRecord> {
    return requireManager(this.store.read, actor, conversationId);
  }

  private describe(conv: ConversationRecord, invite: InviteRecord, token: string, member: boolean): Invite {
    return create(InviteSchema, {
      token,
      conversationId: conv.id,
      groupName: conv.name,
      memberCount: conv.memberCount,
      expiresAt: BigInt(invite.expiresAt),
      createdBy: invite.createdBy,
      member,
    });
  }
}

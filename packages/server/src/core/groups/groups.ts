import { type Conversation, ErrorCode, StarlingError } from "@starling/protocol";
import { forbidden, invalid, notAMember, notFound } from "../kernel/errors.js";
import { checkConversationId, domainOf, fullUserId } from "../kernel/ids.js";
import { type CoreLimits, MAX_ANNOUNCEMENT_LENGTH } from "../kernel/limits.js";
import type { Bus, Clock, Random } from "../kernel/ports.js";
import type { ConversationRecord, MemberRecord, MemberRole, MessageRecord } from "../kernel/records.js";
import type { GroupSummary } from "../kernel/shared-store.js";
import { requireOpen } from "../messaging/access.js";
import { appendEvent } from "../messaging/append.js";
import { checkTextCharacters, encodeEvent, toWireMessage } from "../messaging/content.js";
import type { Membership } from "../messaging/membership.js";
import { messageFrame } from "../messaging/push.js";
import type { SyncService } from "../messaging/sync.js";
import { type Actor, MANAGERS, requireManager } from "./managers.js";
import type { GroupsStore, GroupsTx } from "./store.js";

export type { Actor } from "./managers.js";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * Groups: create, rename, membership, roles, leave, disband. Roles: the
 * owner can do everything; admins rename, remove plain members and recall
 * anything, set the announcement and the picture; any member can add people
 * (as in most workplace chat apps). Every change is an event message with its own seq.
 */
export class Groups {
  constructor(
    private readonly store: GroupsStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly members: Membership,
    private readonly sync: SyncService,
    private readonly limits: CoreLimits,
  ) {}

  async create(
    actor: Actor,
    nameIn: string,
    memberIdsIn: readonly string[],
    ownerIdIn = actor.userId,
  ): Promise<Conversation> {
    const name = this.checkName(nameIn);
    const ownerId = fullUserId(ownerIdIn, "owner");
    const domain = domainOf(ownerId);
    const ids = this.checkIds(memberIdsIn, domain).filter((id) => id !== ownerId);
    if (ids.length + 1 > this.limits.groupMaxMembers) throw this.full();
    const id = `g:${this.randomId()}`;
    const now = this.clock.now();
    const { row, recipients } = await this.store.transaction(async (tx) => {
      await this.requireUsers(tx, [ownerId, ...ids]);
      const version = await tx.nextVersions(1);
      const conv: ConversationRecord = {
        id,
        kind: "group",
        domain,
        name,
        lastSeq: 0,
        memberCount: ids.length + 1,
        memberVersion: 1,
        disbanded: false,
        createdAt: now,
        version,
      };
      if (!(await tx.insertConversation(conv))) {
        // 80 random bits colliding: refuse rather than join someone else's group.
        throw new StarlingError(ErrorCode.CONFLICT, "group id collision; try again", { retryable: true });
      }
      for (const userId of [ownerId, ...ids]) {
        await tx.upsertMember(
          this.newMember(id, userId, userId === ownerId ? "owner" : "member", now, version),
        );
      }
      const event = encodeEvent({
        kind: { case: "groupCreated", value: { by: actor.userId, name, memberIds: ids } },
      });
      const row = await appendEvent(tx, conv, actor.userId, event, now);
      return { row, recipients: [ownerId, ...ids] };
    });
    this.publish(row, recipients);
    return this.sync.one(ownerId, id);
  }

  async rename(actor: Actor, conversationId: string, nameIn: string): Promise<void> {
    const name = this.checkName(nameIn);
    await this.change(actor, conversationId, ["owner", "admin"], async (tx, conv) => {
      const event = encodeEvent({ kind: { case: "groupRenamed", value: { by: actor.userId, name } } });
      return { row: await appendEvent(tx, conv, actor.userId, event, this.clock.now(), { name }) };
    });
  }

  async addMembers(actor: Actor, conversationId: string, userIdsIn: readonly string[]): Promise<void> {
    await this.change(actor, conversationId, ["owner", "admin", "member"], async (tx, conv, current) => {
      const ids = this.checkIds(userIdsIn, conv.domain).filter((id) => !current.has(id));
      if (ids.length === 0) return {};
      if (current.size + ids.length > this.limits.groupMaxMembers) throw this.full();
      await this.requireUsers(tx, ids);
      const now = this.clock.now();
      const version = await tx.nextVersions(1);
      for (const userId of ids)
        await tx.upsertMember(this.newMember(conv.id, userId, "member", now, version));
      const event = encodeEvent({
        kind: { case: "membersAdded", value: { by: actor.userId, userIds: ids } },
      });
      const patch = { memberCount: current.size + ids.length, memberVersion: conv.memberVersion + 1 };
      return { row: await appendEvent(tx, conv, actor.userId, event, now, patch) };
    });
  }

  async removeMembers(actor: Actor, conversationId: string, userIdsIn: readonly string[]): Promise<void> {
    await this.change(actor, conversationId, ["owner", "admin"], async (tx, conv, current, myRole) => {
      const ids = this.checkIds(userIdsIn, conv.domain).filter((id) => current.has(id));
      for (const id of ids) {
        const role = current.get(id);
        if (role === "owner") throw forbidden("the owner cannot be removed; transfer ownership first");
        if (role === "admin" && myRole !== "owner" && !actor.admin)
          throw forbidden("only the owner can remove an admin");
      }
      if (ids.length === 0) return {};
      const version = await tx.nextVersions(1);
      for (const userId of ids) await tx.updateMember(conv.id, userId, { active: false, version });
      const event = encodeEvent({
        kind: { case: "membersRemoved", value: { by: actor.userId, userIds: ids } },
      });
      const patch = { memberCount: current.size - ids.length, memberVersion: conv.memberVersion + 1 };
      return {
        row: await appendEvent(tx, conv, actor.userId, event, this.clock.now(), patch),
        alsoTell: ids,
      };
    });
  }

  async leave(actor: Actor, conversationId: string): Promise<void> {
    await this.change(
      actor,
      conversationId,
      ["owner", "admin", "member"],
      async (tx, conv, current, myRole) => {
        const me = actor.userId;
        const version = await tx.nextVersions(1);
        await tx.updateMember(conv.id, me, { active: false, version });
        let newOwner = "";
        if (myRole === "owner") {
          const rest = (await tx.listMembers(conv.id, true)).filter((m) => m.userId !== me);
          const heir =
            rest.find((m) => m.role === "admin") ?? rest.sort((a, b) => a.joinedAt - b.joinedAt)[0];
          if (heir) {
            newOwner = heir.userId;
            await tx.updateMember(conv.id, heir.userId, { role: "owner", version });
          }
        }
        const event = encodeEvent({
          kind: { case: "memberLeft", value: { userId: me, newOwnerId: newOwner } },
        });
        const patch = { memberCount: current.size - 1, memberVersion: conv.memberVersion + 1 };
        return { row: await appendEvent(tx, conv, me, event, this.clock.now(), patch), alsoTell: [me] };
      },
    );
  }

  async disband(actor: Actor, conversationId: string): Promise<void> {
    await this.change(actor, conversationId, ["owner"], async (tx, conv) => {
      const event = encodeEvent({ kind: { case: "groupDisbanded", value: { by: actor.userId } } });
      return { row: await appendEvent(tx, conv, actor.userId, event, this.clock.now(), { disbanded: true }) };
    });
  }

  async setRole(actor: Actor, conversationId: string, userIdIn: string, role: string): Promise<void> {
    if (role !== "admin" && role !== "member" && role !== "owner")
      throw invalid("role must be owner, admin or member", "role");
    await this.change(actor, conversationId, ["owner"], async (tx, conv, current) => {
      const target = fullUserId(userIdIn);
      if (!current.has(target)) throw notAMember();
      if (current.get(target) === role) return {};
      // A group always has an owner: ownership moves only by naming a new owner.
      if (current.get(target) === "owner")
        throw forbidden("transfer ownership by making another member owner");
      const version = await tx.nextVersions(1);
      if (role === "owner") {
        for (const [id, r] of current)
          if (r === "owner") await tx.updateMember(conv.id, id, { role: "admin", version });
      }
      await tx.updateMember(conv.id, target, { role, version });
      const event = encodeEvent({
        kind: { case: "roleChanged", value: { by: actor.userId, userId: target, role } },
      });
      const patch = { memberVersion: conv.memberVersion + 1 };
      return { row: await appendEvent(tx, conv, actor.userId, event, this.clock.now(), patch) };
    });
  }

  /**
   * Sets the announcement (empty text clears it). The conversation keeps the
   * text, who set it and when, so a member who syncs later sees it; the event
   * notifies members like a message.
   */
  async setAnnouncement(actor: Actor, conversationId: string, textIn: string): Promise<void> {
    const text = textIn.trim();
    checkTextCharacters(text, "text");
    if (text.length > MAX_ANNOUNCEMENT_LENGTH)
      throw new StarlingError(
        ErrorCode.INVALID_ARGUMENT,
        `an announcement is at most ${MAX_ANNOUNCEMENT_LENGTH} characters`,
        { details: { field: "text", limit: String(MAX_ANNOUNCEMENT_LENGTH) } },
      );
    await this.change(actor, conversationId, MANAGERS, async (tx, conv) => {
      if (text === (conv.announcement ?? "")) return {};
      const now = this.clock.now();
      const event = encodeEvent({
        kind: { case: "announcementChanged", value: { by: actor.userId, text } },
      });
      const patch = {
        announcement: text,
        announcementBy: text ? actor.userId : "",
        announcementAt: text ? now : 0,
      };
      return { row: await appendEvent(tx, conv, actor.userId, event, now, patch) };
    });
  }

  /** Fails unless the actor may change the group's profile (name, picture, announcement, invites). */
  async requireManager(actor: Actor, conversationId: string): Promise<void> {
    await requireManager(this.store.read, actor, conversationId);
  }

  /** Records the group's new picture (already stored by the avatars) as the conversation's and as an event. */
  async setAvatar(actor: Actor, conversationId: string, avatar: string): Promise<void> {
    await this.change(actor, conversationId, MANAGERS, async (tx, conv) => {
      if (avatar === (conv.avatar ?? "")) return {};
      const event = encodeEvent({ kind: { case: "avatarChanged", value: { by: actor.userId, avatar } } });
      return { row: await appendEvent(tx, conv, actor.userId, event, this.clock.now(), { avatar }) };
    });
  }

  /** The active groups of the user that are not disbanded, by id, at most `limit`. */
  groupsOf(userId: string, limit: number): Promise<GroupSummary[]> {
    return this.store.read.groupsOf(userId, limit);
  }

  /** The group and its active members, for one of them (as listMembers). */
  async withMembers(
    actor: Actor,
    conversationId: string,
  ): Promise<{ conv: ConversationRecord | undefined; members: MemberRecord[] }> {
    const members = await this.listMembers(actor, conversationId);
    return { conv: await this.store.read.getConversation(conversationId), members };
  }

  async listMembers(actor: Actor, conversationId: string): Promise<MemberRecord[]> {
    checkConversationId(conversationId);
    if (!actor.admin) {
      const me = await this.store.read.getMember(conversationId, actor.userId);
      if (!me) throw notFound("no such conversation");
      if (!me.active) throw notAMember();
    }
    return this.store.read.listMembers(conversationId, true);
  }

  /**
   * Runs one membership or settings change in a transaction after checking
   * the actor's role, then publishes the resulting event to the members
   * (and to anyone who just lost membership).
   */
  private async change(
    actor: Actor,
    conversationId: string,
    allowed: readonly MemberRole[],
    fn: (
      tx: GroupsTx,
      conv: ConversationRecord,
      current: Map<string, MemberRole>,
      myRole: MemberRole | undefined,
    ) => Promise<{ row?: MessageRecord; alsoTell?: string[] }>,
  ): Promise<void> {
    checkConversationId(conversationId);
    const { row, recipients } = await this.store.transaction(async (tx) => {
      const conv = await tx.getConversation(conversationId);
      if (conv?.kind !== "group") throw notFound("no such group");
      const current = new Map((await this.members.of(tx, conv)).roles);
      const myRole = current.get(actor.userId);
      if (!actor.admin) {
        if (!myRole)
          throw (await tx.getMember(conversationId, actor.userId)) ? notAMember() : notFound("no such group");
        if (!allowed.includes(myRole)) throw forbidden(`this needs the role ${allowed.join(" or ")}`);
      }
      requireOpen(conv);
      const out = await fn(tx, conv, current, myRole);
      if (!out.row) return { row: undefined, recipients: [] };
      const now = (await tx.listMembers(conversationId, true)).map((m) => m.userId);
      return { row: out.row, recipients: [...new Set([...now, ...(out.alsoTell ?? [])])] };
    });
    if (row) this.publish(row, recipients);
  }

  private publish(row: MessageRecord, recipients: string[]): void {
    this.bus.publish(recipients, messageFrame(toWireMessage(row)));
  }

  private checkName(name: string): string {
    const n = name.trim();
    if (n.length === 0) throw invalid("group name is empty", "name");
    checkTextCharacters(n, "name");
    if (n.length > this.limits.maxGroupNameLength) {
      throw invalid(`group name is longer than ${this.limits.maxGroupNameLength} characters`, "name");
    }
    return n;
  }

  private checkIds(ids: readonly string[], domain: string): string[] {
    if (ids.length > this.limits.maxIdsPerRequest) {
      throw new StarlingError(
        ErrorCode.INVALID_ARGUMENT,
        `more than ${this.limits.maxIdsPerRequest} user ids in one request`,
        {
          details: { field: "user_ids", limit: String(this.limits.maxIdsPerRequest) },
        },
      );
    }
    const out = [...new Set(ids.map((id) => fullUserId(id, "user_ids")))];
    for (const id of out) {
      if (domainOf(id) !== domain)
        throw new StarlingError(ErrorCode.CROSS_DOMAIN, "groups cannot span domains yet");
    }
    return out;
  }

  private async requireUsers(tx: GroupsTx, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const u = await tx.getUser(id);
      if (!u) throw new StarlingError(ErrorCode.NOT_FOUND, `no user ${id}`, { details: { user_id: id } });
    }
  }

  private newMember(
    conversationId: string,
    userId: string,
    role: MemberRole,
    now: number,
    version: number,
  ): MemberRecord {
    return {
      conversationId,
      userId,
      role,
      active: true,
      readSeq: 0,
      deliveredSeq: 0,
      joinedAt: now,
      version,
    };
  }

  private full(): StarlingError {
    return new StarlingError(
      ErrorCode.GROUP_FULL,
      `a group has at most ${this.limits.groupMaxMembers} members`,
      {
        details: { limit: String(this.limits.groupMaxMembers) },
      },
    );
  }

  private randomId(): string {
    let s = "";
    for (const b of this.random.bytes(16)) s += BASE32[b & 31];
    return s;
  }
}

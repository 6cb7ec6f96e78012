import {
  create,
  ErrorCode,
  MembersResultSchema,
  type MessageInitShape,
  PresenceListSchema,
  type Request,
  type ResponseSchema,
  StarlingError,
  UserCardsSchema,
} from "@starling/protocol";
import { requireScope } from "../../core/bots/scopes.js";
import type { Core } from "../../core/core.js";
import { invalid } from "../../core/kernel/errors.js";
import { completeUserId, completeUserIds, domainOf } from "../../core/kernel/ids.js";
import { pushDeviceMessage } from "../../core/push/device-message.js";
import { NATIVE_BOT_SCOPES } from "./bot-scopes.js";
import { encodeDirectoryChanges } from "./directory-codec.js";

export type ResponseBody = MessageInitShape<typeof ResponseSchema>["body"];

/** A response body already encoded by a hand-written encoder: the Response field number and its bytes. */
export interface EncodedBody {
  field: number;
  encoded: Uint8Array;
}

/** Response.directory_changes. */
const DIRECTORY_CHANGES_FIELD = 60;

/** What the dispatcher knows about the caller. */
export interface Caller {
  userId: string;
  sessionId: string;
  /** Presence targets this session subscribed to; released when it ends. */
  presenceTargets: Set<string>;
  /** The session's token hash (kept when the user changes the password here). */
  tokenHash: string;
  /** Until a new password is set, only ChangePassword is carried out. */
  mustChangePassword: boolean;
  /** The client's address, for the audit log. */
  address: string;
  /** A bot token's scopes; undefined for a person's session. */
  scopes?: readonly string[];
}

/** A wire int64 as a safe JS number, or INVALID_ARGUMENT. */
export function safeNumber(v: bigint, field: string): number {
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(`${field} is out of range`, field);
  return Number(v);
}

/** Most presence subscriptions one session may hold. */
const MAX_PRESENCE_TARGETS = 2000;

/**
 * Carries out one authenticated request. Each case validates its input at
 * this edge (ranges, sizes) and leaves authorisation to the core.
 */
export async function dispatch(
  core: Core,
  caller: Caller,
  body: Request["body"],
): Promise<ResponseBody | EncodedBody> {
  const me = caller.userId;
  // User ids named in group requests: a bare one is of the caller's own domain.
  const mine = domainOf(me);
  if (caller.mustChangePassword && body.case !== "changePassword") {
    throw new StarlingError(ErrorCode.PASSWORD_CHANGE_REQUIRED, "set a new password first (ChangePassword)");
  }
  requireScope(caller.scopes, body.case ? NATIVE_BOT_SCOPES[body.case] : undefined);
  switch (body.case) {
    case "send": {
      const ack = await core.send(me, body.value, caller.sessionId);
      return {
        case: "sendAck",
        value: {
          conversationId: ack.conversationId,
          seq: BigInt(ack.seq),
          serverTime: BigInt(ack.serverTime),
          duplicate: ack.duplicate,
          attachments: ack.attachments ?? [],
        },
      };
    }
    case "recall":
      await core.recaller.recall(me, body.value.conversationId, safeNumber(body.value.seq, "seq"));
      return { case: "ok", value: {} };
    case "editMessage": {
      const q = body.value;
      await core.editor.edit(me, q.conversationId, safeNumber(q.seq, "seq"), q.content);
      return { case: "ok", value: {} };
    }
    case "react": {
      const q = body.value;
      await core.reactions.react(me, q.conversationId, safeNumber(q.seq, "seq"), q.emoji, q.add);
      return { case: "ok", value: {} };
    }
    case "markRead":
      await core.receipts.markRead(me, body.value.conversationId, safeNumber(body.value.seq, "seq"));
      return { case: "ok", value: {} };
    case "setConversationPrefs":
      await core.prefs.set(
        me,
        body.value.conversationId,
        {
          pinned: body.value.pinned,
          muted: body.value.muted,
          announcementSeenAt:
            body.value.announcementSeenAt === undefined
              ? undefined
              : safeNumber(body.value.announcementSeenAt, "announcement_seen_at"),
        },
        caller.sessionId,
      );
      return { case: "ok", value: {} };
    case "pinMessage":
      await core.pins.set(
        me,
        body.value.conversationId,
        safeNumber(body.value.seq, "seq"),
        body.value.pinned,
      );
      return { case: "ok", value: {} };
    case "hideMessages":
      await core.hidden.hide(
        me,
        body.value.conversationId,
        body.value.seqs.map((s) => safeNumber(s, "seqs")),
        caller.sessionId,
      );
      return { case: "ok", value: {} };
    case "addFavourite":
      return {
        case: "favourite",
        value: await core.favourites.add(
          me,
          body.value.conversationId,
          safeNumber(body.value.seq, "seq"),
          caller.sessionId,
        ),
      };
    case "removeFavourite":
      await core.favourites.remove(me, body.value.id, caller.sessionId);
      return { case: "ok", value: {} };
    case "listFavourites":
      return {
        case: "favourites",
        value: await core.favourites.list(me, body.value.before, body.value.limit),
      };
    case "markDelivered":
      await core.receipts.markDelivered(me, body.value.conversationId, safeNumber(body.value.seq, "seq"));
      return { case: "ok", value: {} };
    case "getHistory": {
      const q = body.value;
      const page = await core.history.page(me, q.conversationId, {
        afterSeq: safeNumber(q.afterSeq, "after_seq"),
        beforeSeq: safeNumber(q.beforeSeq, "before_seq"),
        limit: q.limit,
      });
      return { case: "history", value: page };
    }
    case "getReaders":
      return {
        case: "readers",
        value: await core.history.readers(me, body.value.conversationId, safeNumber(body.value.seq, "seq")),
      };
    case "typing":
      await core.typing.typing(me, body.value.conversationId, body.value.typing);
      return { case: "ok", value: {} };
    case "sync":
      return {
        case: "sync",
        value: await core.sync.since(me, safeNumber(body.value.cursor, "cursor"), body.value.limit),
      };
    case "getConversation":
      return { case: "conversation", value: await core.sync.one(me, body.value.conversationId) };
    case "createGroup":
      return {
        case: "conversation",
        value: await core.groups.create(
          { userId: me },
          body.value.name,
          completeUserIds(body.value.memberIds, mine),
        ),
      };
    case "renameGroup":
      await core.groups.rename({ userId: me }, body.value.conversationId, body.value.name);
      return { case: "ok", value: {} };
    case "addMembers":
      await core.groups.addMembers(
        { userId: me },
        body.value.conversationId,
        completeUserIds(body.value.userIds, mine),
      );
      return { case: "ok", value: {} };
    case "removeMembers":
      await core.groups.removeMembers(
        { userId: me },
        body.value.conversationId,
        completeUserIds(body.value.userIds, mine),
      );
      return { case: "ok", value: {} };
    case "leaveGroup":
      await core.groups.leave({ userId: me }, body.value.conversationId);
      return { case: "ok", value: {} };
    case "disbandGroup":
      await core.groups.disband({ userId: me }, body.value.conversationId);
      return { case: "ok", value: {} };
    case "setMemberRole":
      await core.groups.setRole(
        { userId: me },
        body.value.conversationId,
        completeUserId(body.value.userId, mine),
        body.value.role,
      );
      return { case: "ok", value: {} };
    case "setAnnouncement":
      await core.groups.setAnnouncement({ userId: me }, body.value.conversationId, body.value.text);
      return { case: "ok", value: {} };
    case "createInvite":
      return { case: "invite", value: await core.invites.create({ userId: me }, body.value.conversationId) };
    case "joinByInvite":
      return body.value.preview
        ? { case: "invite", value: await core.invites.preview(me, body.value.token) }
        : { case: "conversation", value: await core.invites.join(me, body.value.token) };
    case "revokeInvite":
      await core.invites.revoke({ userId: me }, body.value.conversationId);
      return { case: "ok", value: {} };
    case "getMembers": {
      const rows = await core.groups.listMembers({ userId: me }, body.value.conversationId);
      return {
        case: "members",
        value: create(MembersResultSchema, {
          members: rows.map((m) => ({
            userId: m.userId,
            role: m.role,
            readSeq: BigInt(m.readSeq),
            deliveredSeq: BigInt(m.deliveredSeq),
          })),
        }),
      };
    }
    case "setPresence":
      core.presence.setStatus(me, body.value.status);
      return { case: "ok", value: {} };
    case "subscribePresence": {
      const targets = core.presence.targets(me, body.value.userIds);
      const fresh = targets.filter((t) => !caller.presenceTargets.has(t));
      if (caller.presenceTargets.size + fresh.length > MAX_PRESENCE_TARGETS) {
        throw new StarlingError(
          ErrorCode.INVALID_ARGUMENT,
          `at most ${MAX_PRESENCE_TARGETS} presence subscriptions`,
          {
            details: { field: "user_ids" },
          },
        );
      }
      core.presence.subscribe(me, fresh);
      for (const t of fresh) caller.presenceTargets.add(t);
      return {
        case: "presence",
        value: create(PresenceListSchema, { states: targets.map((t) => core.presence.state(t)) }),
      };
    }
    case "unsubscribePresence": {
      const targets = core.presence
        .targets(me, body.value.userIds)
        .filter((t) => caller.presenceTargets.has(t));
      core.presence.unsubscribe(me, targets);
      for (const t of targets) caller.presenceTargets.delete(t);
      return { case: "ok", value: {} };
    }
    case "getDirectoryChanges": {
      const changes = await core.directory.changes(
        me,
        safeNumber(body.value.sinceVersion, "since_version"),
        body.value.limit,
        safeNumber(body.value.untilVersion, "until_version"),
      );
      // Pages of up to 2,000 cards: the generated encoder would be most of the server's time.
      return { field: DIRECTORY_CHANGES_FIELD, encoded: encodeDirectoryChanges(changes) };
    }
    case "getDepartment":
      return {
        case: "department",
        value: await core.directory.department(
          me,
          body.value.departmentId,
          body.value.afterUserId,
          body.value.limit,
        ),
      };
    case "searchDirectory":
      return {
        case: "directorySearch",
        value: await core.directory.search(me, body.value.query, body.value.limit),
      };
    case "search":
      return { case: "searchResults", value: await core.search.search(me, body.value) };
    case "listMentions":
      return { case: "mentions", value: await core.mentions.page(me, body.value.limit, body.value.cursor) };
    case "getUserCards":
      return {
        case: "userCards",
        value: create(UserCardsSchema, { users: await core.directory.cards(me, body.value.userIds) }),
      };
    case "updateProfile":
      await core.directoryAdmin.updateUser({ actor: me, source: caller.address }, me, {
        displayName: body.value.displayName,
        title: body.value.title,
        phone: body.value.phone,
        avatar: body.value.avatar,
        statusText: body.value.statusText,
        dnd: body.value.doNotDisturb,
      });
      return { case: "ok", value: {} };
    case "listSessions":
      return { case: "sessionList", value: await core.ownSessions.list(me, caller.tokenHash) };
    case "revokeSession":
      if (body.value.allOthers) await core.ownSessions.revokeOthers(me, caller.tokenHash);
      else await core.ownSessions.revoke(me, body.value.sessionId);
      return { case: "ok", value: {} };
    case "setSettings":
      return {
        case: "settings",
        value: await core.settings.set(
          me,
          {
            desktopNotifications: body.value.desktopNotifications,
            notificationSound: body.value.notificationSound,
            messagePreviews: body.value.messagePreviews,
          },
          caller.sessionId,
        ),
      };
    case "registerPushDevice":
      return {
        case: "pushDevice",
        value: pushDeviceMessage(await core.pushDevices.register(me, body.value)),
      };
    case "unregisterPushDevice":
      await core.pushDevices.unregister(me, { id: body.value.deviceId, token: body.value.token });
      return { case: "ok", value: {} };
    case "listPushDevices":
      return {
        case: "pushDevices",
        value: { devices: (await core.pushDevices.list(me)).map(pushDeviceMessage) },
      };
    case "changePassword":
      await core.accounts.changePassword(
        me,
        body.value.oldPassword,
        body.value.newPassword,
        caller.tokenHash,
      );
      caller.mustChangePassword = false;
      return { case: "ok", value: {} };
    default:
      throw new StarlingError(ErrorCode.UNKNOWN_TYPE, "unknown request type");
  }
}

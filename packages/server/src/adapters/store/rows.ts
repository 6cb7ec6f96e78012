import type { Selectable } from "kysely";
import type {
  AuditRecord,
  BotTokenRecord,
  ConversationKind,
  ConversationRecord,
  DepartmentRecord,
  DomainRecord,
  EmploymentStatus,
  FileRecord,
  MemberRecord,
  MemberRole,
  MessageRecord,
  ReactionRecord,
  SessionRecord,
  UserRecord,
  UserRole,
  UserSettingsRecord,
} from "../../core/kernel/records.js";
import type {
  AuditTable,
  BotTokenTable,
  ConversationTable,
  DepartmentTable,
  DomainTable,
  FileTable,
  MemberTable,
  MessageTable,
  SessionTable,
  UserSettingsTable,
  UserTable,
} from "./schema.js";

/** Row <-> record mapping, in one place. Numbers arrive as number or (pg bigint) string. */

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
/** node-postgres sends only Buffers as bytea; a view over the same memory costs no copy. */
export const asBuffer = (v: Uint8Array | null): Uint8Array | null =>
  v == null || Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const bytes = (v: unknown): Uint8Array | null =>
  v == null ? null : v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer);

/** A users row as a record; a row read without its password hash gives an empty one. */
export function toUser(r: Omit<UserTable, "password_hash"> & { password_hash?: string }): UserRecord {
  return {
    id: r.id,
    domain: r.domain,
    displayName: r.display_name,
    passwordHash: r.password_hash ?? "",
    role: r.role as UserRole,
    disabled: num(r.disabled) !== 0,
    createdAt: num(r.created_at),
    pinyin: r.pinyin,
    pinyinInitials: r.pinyin_initials,
    title: r.title,
    email: r.email,
    phone: r.phone,
    avatar: r.avatar,
    departmentId: r.department_id,
    status: r.status as EmploymentStatus,
    mustChangePassword: num(r.must_change_password) !== 0,
    statusText: r.status_text ?? "",
    dnd: {
      on: num(r.dnd_on ?? 0) !== 0,
      until: num(r.dnd_until ?? 0),
      daily: num(r.dnd_daily ?? 0) !== 0,
      fromMinute: num(r.dnd_from ?? 0),
      toMinute: num(r.dnd_to ?? 0),
      timeZone: r.dnd_zone ?? "",
    },
    version: num(r.version),
    bot: num(r.bot ?? 0) !== 0,
  };
}

export function fromUser(u: UserRecord): UserTable {
  return {
    id: u.id,
    domain: u.domain,
    display_name: u.displayName,
    password_hash: u.passwordHash,
    role: u.role,
    disabled: u.disabled ? 1 : 0,
    created_at: u.createdAt,
    pinyin: u.pinyin,
    pinyin_initials: u.pinyinInitials,
    title: u.title,
    email: u.email.toLowerCase(),
    phone: u.phone,
    avatar: u.avatar,
    department_id: u.departmentId,
    status: u.status,
    must_change_password: u.mustChangePassword ? 1 : 0,
    status_text: u.statusText,
    dnd_on: u.dnd.on ? 1 : 0,
    dnd_until: u.dnd.until,
    dnd_daily: u.dnd.daily ? 1 : 0,
    dnd_from: u.dnd.fromMinute,
    dnd_to: u.dnd.toMinute,
    dnd_zone: u.dnd.timeZone,
    version: u.version,
    bot: u.bot ? 1 : 0,
  };
}

export function toDepartment(r: DepartmentTable): DepartmentRecord {
  return {
    id: r.id,
    domain: r.domain,
    parentId: r.parent_id,
    name: r.name,
    sortOrder: num(r.sort_order),
    deleted: num(r.deleted) !== 0,
    version: num(r.version),
  };
}

export function fromDepartment(d: DepartmentRecord): DepartmentTable {
  return {
    id: d.id,
    domain: d.domain,
    parent_id: d.parentId,
    name: d.name,
    sort_order: d.sortOrder,
    deleted: d.deleted ? 1 : 0,
    version: d.version,
  };
}

export function toAudit(r: AuditTable): AuditRecord {
  return { ...r, at: num(r.at) };
}

export function toSession(r: SessionTable): SessionRecord {
  return {
    tokenHash: r.token_hash,
    userId: r.user_id,
    deviceId: r.device_id,
    platform: r.platform,
    client: r.client,
    createdAt: num(r.created_at),
    lastActiveAt: num(r.last_active_at),
    expiresAt: num(r.expires_at),
  };
}

export function toUserSettings(r: UserSettingsTable): UserSettingsRecord {
  return {
    desktopNotifications: num(r.desktop_notifications) !== 0,
    notificationSound: num(r.notification_sound) !== 0,
    messagePreviews: num(r.message_previews) !== 0,
    version: num(r.version),
  };
}

export function toConversation(r: ConversationTable): ConversationRecord {
  return {
    id: r.id,
    kind: r.kind as ConversationKind,
    domain: r.domain,
    name: r.name,
    lastSeq: num(r.last_seq),
    memberCount: num(r.member_count),
    memberVersion: num(r.member_version),
    disbanded: num(r.disbanded) !== 0,
    createdAt: num(r.created_at),
    version: num(r.version),
    announcement: r.announcement ?? "",
    announcementBy: r.announcement_by ?? "",
    announcementAt: num(r.announcement_at ?? 0),
    avatar: r.avatar ?? "",
  };
}

export function fromConversation(c: ConversationRecord): ConversationTable {
  return {
    id: c.id,
    kind: c.kind,
    domain: c.domain,
    name: c.name,
    last_seq: c.lastSeq,
    member_count: c.memberCount,
    member_version: c.memberVersion,
    disbanded: c.disbanded ? 1 : 0,
    created_at: c.createdAt,
    version: c.version,
    announcement: c.announcement ?? "",
    announcement_by: c.announcementBy ?? "",
    announcement_at: c.announcementAt ?? 0,
    avatar: c.avatar ?? "",
  };
}

export function toMember(r: MemberTable): MemberRecord {
  return {
    conversationId: r.conversation_id,
    userId: r.user_id,
    role: r.role as MemberRole,
    active: num(r.active) !== 0,
    readSeq: num(r.read_seq),
    deliveredSeq: num(r.delivered_seq),
    joinedAt: num(r.joined_at),
    version: num(r.version),
    pinnedAt: num(r.pinned_at ?? 0),
    muted: num(r.muted ?? 0) !== 0,
    announcementSeenAt: num(r.announcement_seen_at ?? 0),
    leftSeq: num(r.left_seq ?? 0),
  };
}

export function fromMember(m: MemberRecord): MemberTable {
  return {
    conversation_id: m.conversationId,
    user_id: m.userId,
    role: m.role,
    active: m.active ? 1 : 0,
    read_seq: m.readSeq,
    delivered_seq: m.deliveredSeq,
    joined_at: m.joinedAt,
    version: m.version,
  };
}

/** The reactions column: JSON of the aggregate, null when there are none. */
export function formatReactions(reactions: readonly ReactionRecord[]): string | null {
  return reactions.length > 0
    ? JSON.stringify(reactions.map((r) => ({ emoji: r.emoji, userIds: r.userIds })))
    : null;
}

function parseReactions(json: string): ReactionRecord[] {
  const list = JSON.parse(json) as ReactionRecord[];
  return list.map((r) => ({ emoji: String(r.emoji), userIds: r.userIds.map(String) }));
}

export function toMessage(r: MessageTable): MessageRecord {
  return {
    conversationId: r.conversation_id,
    seq: num(r.seq),
    senderId: r.sender_id,
    clientMsgId: r.client_msg_id,
    serverTime: num(r.server_time),
    content: bytes(r.content),
    event: bytes(r.event),
    recalledBy: r.recalled_by,
    recalledAt: r.recalled_at == null ? null : num(r.recalled_at),
    ...(r.content_digest ? { contentDigest: r.content_digest } : {}),
    ...(r.edited_at ? { editedAt: num(r.edited_at) } : {}),
    ...(r.reactions ? { reactions: parseReactions(r.reactions) } : {}),
    ...(r.edit_of ? { editOf: num(r.edit_of) } : {}),
  };
}

export function fromMessage(m: MessageRecord): MessageTable {
  return {
    conversation_id: m.conversationId,
    seq: m.seq,
    sender_id: m.senderId,
    client_msg_id: m.clientMsgId,
    server_time: m.serverTime,
    content: asBuffer(m.content),
    event: asBuffer(m.event),
    recalled_by: m.recalledBy,
    recalled_at: m.recalledAt,
    content_digest: m.contentDigest ?? null,
    edited_at: m.editedAt || null,
    reactions: formatReactions(m.reactions ?? []),
    edit_of: m.editOf ?? null,
  };
}

export const toDomain = (r: Selectable<DomainTable>): DomainRecord => ({
  name: r.name,
  disabled: num(r.disabled) !== 0,
  createdAt: num(r.created_at),
  maxFileBytes: num(r.max_file_bytes),
  quotaBytes: num(r.quota_bytes),
  usedBytes: num(r.used_bytes),
  pushPreviews: r.push_previews === "none" || r.push_previews === "text" ? r.push_previews : "",
});

const orNull = (v: number | null) => (v === null ? null : num(v));

export const toFile = (r: FileTable): FileRecord => ({
  id: r.id,
  domain: r.domain,
  uploader: r.uploader,
  sha256: r.sha256,
  size: num(r.size),
  mime: r.mime,
  name: r.name,
  createdAt: num(r.created_at),
  width: orNull(r.width),
  height: orNull(r.height),
  durationMs: orNull(r.duration_ms),
  thumbSha256: r.thumb_sha256,
});

/** A bot_tokens row as a record; scopes are stored space-separated. */
export function toBotToken(r: BotTokenTable): BotTokenRecord {
  return {
    tokenHash: r.token_hash,
    id: r.id,
    botId: r.bot_id,
    label: r.label,
    scopes: r.scopes === "" ? [] : r.scopes.split(" "),
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
  };
}

import {
  type Department,
  DepartmentSchema,
  type DoNotDisturb,
  DoNotDisturbSchema,
  EmploymentStatus,
  type UserCard,
  UserCardSchema,
} from "@starling/protocol";
import type { DepartmentRecord, DndRecord, UserRecord } from "../kernel/records.js";
import { nameReadings } from "./pinyin.js";

/** A name's readings other than its own (pinyin, pinyin_initials): full pinyin and initials of each. */
function otherReadings(u: UserRecord): string[] {
  const own = { pinyin: u.pinyin, initials: u.pinyinInitials };
  const all = nameReadings(u.displayName, true, own);
  if (all.length < 2) return [];
  const out = new Set<string>();
  for (const r of all) for (const key of [r.pinyin, r.initials]) out.add(key);
  out.delete(u.pinyin);
  out.delete(u.pinyinInitials);
  out.delete("");
  return [...out];
}

/**
 * A user as the directory shows them: never the password hash, role or flags
 * beyond frozen and bot. Built as a literal with every field (what create() would
 * make, without walking the schema): a full directory download makes
 * 100,000 of these.
 */
export function toUserCard(u: UserRecord, otherDepartmentIds: readonly string[] = []): UserCard {
  return {
    $typeName: UserCardSchema.typeName,
    id: u.id,
    displayName: u.displayName,
    pinyin: u.pinyin,
    pinyinInitials: u.pinyinInitials,
    title: u.title,
    email: u.email,
    phone: u.phone,
    avatar: u.avatar,
    departmentId: u.departmentId,
    otherDepartmentIds: [...otherDepartmentIds],
    status: u.status === "left" ? EmploymentStatus.LEFT : EmploymentStatus.ACTIVE,
    frozen: u.disabled,
    version: BigInt(u.version),
    nameReadings: otherReadings(u),
    statusText: u.statusText,
    doNotDisturb: toDoNotDisturb(u.dnd),
    bot: u.bot,
  } satisfies UserCard;
}

/** Left off the card while it was never set, so most cards carry nothing for it. */
function toDoNotDisturb(d: DndRecord): DoNotDisturb | undefined {
  if (!d.on && !d.daily && d.until === 0) return undefined;
  return {
    $typeName: DoNotDisturbSchema.typeName,
    on: d.on,
    until: BigInt(d.until),
    daily: d.daily,
    fromMinute: d.fromMinute,
    toMinute: d.toMinute,
    timeZone: d.timeZone,
  } satisfies DoNotDisturb;
}

export function toDepartment(d: DepartmentRecord): Department {
  return {
    $typeName: DepartmentSchema.typeName,
    id: d.id,
    parentId: d.parentId,
    name: d.name,
    sortOrder: d.sortOrder,
    version: BigInt(d.version),
  } satisfies Department;
}

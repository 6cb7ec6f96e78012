import {
  type Department,
  DepartmentSchema,
  EmploymentStatus,
  type UserCard,
  UserCardSchema,
} from "@starling/protocol";
import type { DepartmentRecord, UserRecord } from "../kernel/records.js";
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
 * beyond frozen. Built as a literal with every field (what create() would
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
  } satisfies UserCard;
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

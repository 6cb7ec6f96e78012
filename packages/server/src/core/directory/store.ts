import type { DepartmentRecord, UserRecord } from "../kernel/records.js";
import type { AuditWriter, StorePort, UserReader, UserWriter } from "../kernel/shared-store.js";

/** The organisation directory: users' directory fields and departments. */
export interface DirectoryReads {
  /** Secondary department memberships of these users. */
  otherDepartments(userIds: readonly string[]): Promise<{ userId: string; departmentId: string }[]>;
  /** Secondary department memberships of the domain's users whose version is in (after, upTo]. */
  otherDepartmentsInRange(
    domain: string,
    after: number,
    upTo: number,
  ): Promise<{ userId: string; departmentId: string }[]>;
  /** Users of the domain changed after `version` (and at most `until`, if given), oldest change first; password hashes left empty. */
  changedUsers(domain: string, version: number, limit: number, until?: number): Promise<UserRecord[]>;
  /** Departments of the domain changed after `version` (and at most `until`, if given), oldest change first. */
  changedDepartments(
    domain: string,
    version: number,
    limit: number,
    until?: number,
  ): Promise<DepartmentRecord[]>;
  /** The domain's directory version (0 before the first change). */
  directoryVersion(domain: string): Promise<number>;
  getDepartment(id: string): Promise<DepartmentRecord | undefined>;
  /** Live child departments ("" parent: the top level), by sort order then name. */
  childDepartments(domain: string, parentId: string): Promise<DepartmentRecord[]>;
  findDepartment(domain: string, parentId: string, name: string): Promise<DepartmentRecord | undefined>;
  /** Active users whose primary or secondary department is `departmentId`, by id after `afterId`. */
  departmentMembers(departmentId: string, afterId: string, limit: number): Promise<UserRecord[]>;
}

export interface DirectoryWrites {
  upsertDepartment(dept: DepartmentRecord): Promise<void>;
  setOtherDepartments(userId: string, departmentIds: readonly string[]): Promise<void>;
}

export interface DirectoryReader extends UserReader, DirectoryReads {}

export interface DirectoryTx extends DirectoryReader, UserWriter, AuditWriter, DirectoryWrites {}

/** The store as the directory sees it. */
export type DirectoryStore = StorePort<DirectoryReader, DirectoryTx>;

import { create, DirectoryChangedSchema, ErrorCode, encodeEnvelope, StarlingError } from "@starling/protocol";
import { invalid, notFound } from "../kernel/errors.js";
import { domainOf } from "../kernel/ids.js";
import { DEPARTMENT_LIMITS, PROFILE_LIMITS } from "../kernel/limits.js";
import type { Bus, Clock, Random } from "../kernel/ports.js";
import type { DepartmentRecord, EmploymentStatus, UserRecord } from "../kernel/records.js";
import type { UserPatch } from "../kernel/shared-store.js";
import type { AuditContext, Auditor } from "./audit.js";
import { checkDnd, type DndInput } from "./dnd.js";
import { nameKeys } from "./pinyin.js";
import type { DirectoryStore, DirectoryTx } from "./store.js";
import { checkEmail, checkText } from "./validate.js";

export interface DepartmentInput {
  /** Given: update (or create with this id); absent: create with a new id. */
  id?: string;
  /** "" for the top level. */
  parentId: string;
  name: string;
  sortOrder?: number;
}

/** Directory fields an administrator may change; absent fields stay as they are. */
export interface ProfileInput {
  displayName?: string;
  title?: string;
  email?: string;
  phone?: string;
  avatar?: string;
  departmentId?: string;
  otherDepartmentIds?: string[];
  status?: EmploymentStatus;
  frozen?: boolean;
  /** The user's own status message ("" clears it). */
  statusText?: string;
  /** Replaces the user's do-not-disturb setting as a whole. */
  dnd?: DndInput;
}

const DEPARTMENT_ID = new RegExp(`^[A-Za-z0-9._-]{1,${DEPARTMENT_LIMITS.idLength}}$`);
const MAX_DEPTH = DEPARTMENT_LIMITS.maxDepth;
const MAX_OTHER_DEPARTMENTS = DEPARTMENT_LIMITS.maxOtherDepartments;

/**
 * Changes to the directory: departments and the profile of any user of a
 * domain. Each change takes a new domain version, is written to the audit
 * log in the same transaction, and after commit every online user of the
 * domain is told the directory changed.
 */
export class DirectoryAdmin {
  constructor(
    private readonly store: DirectoryStore,
    private readonly bus: Bus,
    private readonly random: Random,
    private readonly auditor: Auditor,
    private readonly clock: Clock,
  ) {}

  async saveDepartment(ctx: AuditContext, domain: string, input: DepartmentInput): Promise<DepartmentRecord> {
    const name = checkText(input.name, "name", DEPARTMENT_LIMITS.nameLength);
    if (!name) throw invalid("department name is empty", "name");
    if (input.id !== undefined && !DEPARTMENT_ID.test(input.id))
      throw invalid(
        `department id must be 1-${DEPARTMENT_LIMITS.idLength} letters, digits, '.', '_' or '-'`,
        "id",
      );
    const sortOrder = input.sortOrder ?? 0;
    if (!Number.isInteger(sortOrder) || Math.abs(sortOrder) > DEPARTMENT_LIMITS.maxSortOrder)
      throw invalid("bad sort order", "sort_order");
    const saved = await this.store.transaction(async (tx) => {
      await this.requireDomain(tx, domain);
      const existing = input.id ? await tx.getDepartment(input.id) : undefined;
      if (existing && existing.domain !== domain) throw notFound("no such department");
      const id = existing?.id ?? input.id ?? `d${this.randomId()}`;
      await this.checkParent(tx, domain, id, input.parentId);
      const clash = await tx.findDepartment(domain, input.parentId, name);
      if (clash && clash.id !== id)
        throw new StarlingError(
          ErrorCode.CONFLICT,
          `a department named ${JSON.stringify(name)} exists there`,
        );
      const dept: DepartmentRecord = {
        id,
        domain,
        parentId: input.parentId,
        name,
        sortOrder,
        deleted: false,
        version: await tx.nextDirectoryVersions(domain, 1),
      };
      await tx.upsertDepartment(dept);
      await this.auditor.record(tx, ctx, domain, existing ? "department.update" : "department.create", id, {
        name,
        parentId: dept.parentId,
        sortOrder,
      });
      return dept;
    });
    this.notify(domain, saved.version);
    return saved;
  }

  /** Deletes an empty department (no live children, no members). */
  async deleteDepartment(ctx: AuditContext, domain: string, id: string): Promise<void> {
    const version = await this.store.transaction(async (tx) => {
      const dept = await tx.getDepartment(id);
      if (!dept || dept.deleted || dept.domain !== domain) throw notFound("no such department");
      if (
        (await tx.childDepartments(domain, id)).length > 0 ||
        (await tx.departmentMembers(id, "", 1)).length > 0
      )
        throw new StarlingError(ErrorCode.CONFLICT, "the department still has sub-departments or members");
      const v = await tx.nextDirectoryVersions(domain, 1);
      await tx.upsertDepartment({ ...dept, deleted: true, version: v });
      await this.auditor.record(tx, ctx, domain, "department.delete", id, { name: dept.name });
      return v;
    });
    this.notify(domain, version);
  }

  /** Changes a user's directory fields; leaving or freezing also ends their sessions. */
  async updateUser(ctx: AuditContext, userId: string, input: ProfileInput): Promise<UserRecord> {
    const domain = domainOf(userId);
    const { user, endSessions } = await this.store.transaction(async (tx) => {
      const current = await tx.getUser(userId);
      if (!current) throw notFound(`no user ${userId}`);
      const patch = await this.profilePatch(tx, domain, input);
      patch.version = await tx.nextDirectoryVersions(domain, 1);
      await tx.updateUser(userId, patch);
      if (patch.otherDepartmentIds) await tx.setOtherDepartments(userId, patch.otherDepartmentIds);
      const endSessions = patch.status === "left" || patch.disabled === true;
      if (endSessions) await tx.deleteSessionsOfUser(userId);
      const { version: _version, ...changed } = patch;
      await this.auditor.record(tx, ctx, domain, "user.update", userId, changed);
      return { user: { ...current, ...patch } as UserRecord, endSessions };
    });
    if (endSessions) this.bus.kick([userId], "disabled");
    this.notify(domain, user.version);
    return user;
  }

  /** Tells every online user of the domain that its directory moved to `version`. */
  notify(domain: string, version: number): void {
    const frame = encodeEnvelope({
      kind: {
        case: "push",
        value: {
          body: {
            case: "directoryChanged",
            value: create(DirectoryChangedSchema, { version: BigInt(version) }),
          },
        },
      },
    });
    this.bus.publishDomain(domain, frame);
  }

  private async profilePatch(
    tx: DirectoryTx,
    domain: string,
    input: ProfileInput,
  ): Promise<UserPatch & { otherDepartmentIds?: string[] }> {
    const patch: UserPatch & { otherDepartmentIds?: string[] } = {};
    if (input.displayName !== undefined) {
      const name = checkText(input.displayName, "display_name", PROFILE_LIMITS.displayName);
      if (!name) throw invalid("display name is empty", "display_name");
      const keys = nameKeys(name);
      Object.assign(patch, { displayName: name, pinyin: keys.pinyin, pinyinInitials: keys.initials });
    }
    if (input.title !== undefined) patch.title = checkText(input.title, "title", PROFILE_LIMITS.title);
    if (input.phone !== undefined) patch.phone = checkText(input.phone, "phone", PROFILE_LIMITS.phone);
    if (input.avatar !== undefined) patch.avatar = checkText(input.avatar, "avatar", PROFILE_LIMITS.avatar);
    if (input.email !== undefined) patch.email = checkEmail(input.email);
    if (input.departmentId !== undefined) {
      if (input.departmentId) await this.requireDepartment(tx, domain, input.departmentId);
      patch.departmentId = input.departmentId;
    }
    if (input.otherDepartmentIds !== undefined) {
      const ids = [...new Set(input.otherDepartmentIds)];
      if (ids.length > MAX_OTHER_DEPARTMENTS)
        throw invalid(`more than ${MAX_OTHER_DEPARTMENTS} other departments`, "other_department_ids");
      for (const id of ids) await this.requireDepartment(tx, domain, id);
      patch.otherDepartmentIds = ids;
    }
    if (input.status !== undefined) {
      if (input.status !== "active" && input.status !== "left")
        throw invalid("status must be active or left", "status");
      patch.status = input.status;
    }
    if (input.frozen !== undefined) patch.disabled = input.frozen;
    if (input.statusText !== undefined)
      patch.statusText = checkText(input.statusText, "status_text", PROFILE_LIMITS.statusText);
    if (input.dnd !== undefined) patch.dnd = checkDnd(input.dnd, this.clock.now());
    return patch;
  }

  private async requireDomain(tx: DirectoryTx, domain: string): Promise<void> {
    if (!(await tx.getDomain(domain))) throw notFound(`unknown domain ${domain}`);
  }

  private async requireDepartment(tx: DirectoryTx, domain: string, id: string): Promise<DepartmentRecord> {
    const d = await tx.getDepartment(id);
    if (!d || d.deleted || d.domain !== domain) throw notFound(`no such department: ${id}`);
    return d;
  }

  /** The parent exists in the domain and is not the department itself or below it. */
  private async checkParent(tx: DirectoryTx, domain: string, id: string, parentId: string): Promise<void> {
    let cursor = parentId;
    for (let depth = 0; cursor; depth++) {
      if (cursor === id) throw invalid("a department cannot be moved under itself", "parent_id");
      if (depth >= MAX_DEPTH) throw invalid(`departments nest at most ${MAX_DEPTH} deep`, "parent_id");
      cursor = (await this.requireDepartment(tx, domain, cursor)).parentId;
    }
  }

  private randomId(): string {
    return Buffer.from(this.random.bytes(9))
      .toString("base64url")
      .replace(/[^A-Za-z0-9]/g, "x");
  }
}

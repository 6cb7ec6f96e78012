import { ErrorCode, StarlingError } from "@starling/protocol";
import type { AlsoInTx } from "./accounts.js";
import type { Core } from "./core.js";
import type { AuditContext } from "./directory/audit.js";
import type { DepartmentInput, ProfileInput } from "./directory/directory-admin.js";
import { type ImportRow, parseUserList } from "./directory/import-parse.js";
import type { ImportOptions, ImportReport } from "./directory/import-users.js";
import { invalid, notFound } from "./errors.js";
import { domainOf, isValidDomain, normalizeUserId } from "./ids.js";
import type { DomainRecord, Store } from "./ports.js";
import type { AuditRecord, DepartmentRecord, EmploymentStatus, UserRecord, UserRole } from "./records.js";

export type { AuditContext } from "./directory/audit.js";

export interface UserSummary {
  id: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  status: EmploymentStatus;
  departmentId: string;
  title: string;
  email: string;
  mustChangePassword: boolean;
  createdAt: number;
}

export interface GroupSummary {
  id: string;
  name: string;
  memberCount: number;
  lastSeq: number;
  disbanded: boolean;
}

/** Users disconnected per step when a whole domain is disabled. */
const KICK_PAGE = 1000;

/**
 * Administration, as used by the admin HTTP API and by the CLI when no
 * server is running. Every change is written to the audit log with who did
 * it and from where. Admin group changes skip role checks and are recorded
 * in the group's history as done by the acting administrator.
 */
export class Admin {
  constructor(
    private readonly core: Core,
    private readonly store: Store,
  ) {}

  get defaultDomain(): string {
    return this.core.accounts.defaultDomain;
  }

  // --- domains

  async addDomain(ctx: AuditContext, name: string): Promise<DomainRecord> {
    const domain = name.trim().toLowerCase();
    if (!isValidDomain(domain)) throw invalid(`not a valid domain name: ${name}`, "name");
    const created = await this.store.transaction(async (tx) => {
      const ok = await tx.createDomain(domain, this.core.deps.clock.now());
      if (ok) await this.core.auditor.record(tx, ctx, domain, "domain.add", domain);
      return ok;
    });
    if (!created) throw new StarlingError(ErrorCode.CONFLICT, `domain ${domain} already exists`);
    return (await this.store.read.getDomain(domain)) as DomainRecord;
  }

  listDomains(): Promise<DomainRecord[]> {
    return this.store.read.listDomains();
  }

  /** The domain's own largest file and storage quota, in bytes (0: the server's settings). */
  async setDomainFileLimits(
    ctx: AuditContext,
    name: string,
    limits: { maxFileBytes: number; quotaBytes: number },
  ): Promise<DomainRecord> {
    for (const [field, v] of Object.entries(limits))
      if (!Number.isSafeInteger(v) || v < 0) throw invalid(`${field} must be a whole number of bytes`, field);
    const ok = await this.store.transaction(async (tx) => {
      const found = await tx.setDomainFileLimits(name, limits);
      if (found) await this.core.auditor.record(tx, ctx, name, "domain.file_limits", name, { ...limits });
      return found;
    });
    if (!ok) throw notFound(`no domain ${name}`);
    return (await this.store.read.getDomain(name)) as DomainRecord;
  }

  /** A disabled domain's users are disconnected and cannot log in until it is enabled again. */
  async setDomainDisabled(ctx: AuditContext, name: string, disabled: boolean): Promise<void> {
    const ok = await this.store.transaction(async (tx) => {
      const found = await tx.setDomainDisabled(name, disabled);
      if (found)
        await this.core.auditor.record(tx, ctx, name, disabled ? "domain.disable" : "domain.enable", name);
      return found;
    });
    if (!ok) throw notFound(`no domain ${name}`);
    if (!disabled) return;
    for (let after = ""; ; ) {
      const page = await this.store.read.listUsers(name, after, KICK_PAGE);
      if (page.length === 0) break;
      this.core.deps.bus.kick(
        page.map((u) => u.id),
        "disabled",
      );
      after = page[page.length - 1]?.id ?? "";
    }
  }

  // --- users

  async addUser(
    ctx: AuditContext,
    input: { id: string; password: string; displayName?: string; role?: string; temporary?: boolean },
  ): Promise<UserSummary> {
    const role = input.role ?? "user";
    if (role !== "user" && role !== "admin") throw invalid("role must be user or admin", "role");
    const id = normalizeUserId(input.id, this.defaultDomain);
    const u = await this.core.accounts.createUser(
      {
        id,
        password: input.password,
        role,
        mustChangePassword: input.temporary ?? false,
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      },
      this.audit(ctx, "user.add", id, { role, temporary: input.temporary ?? false }),
    );
    return summary(u);
  }

  async listUsers(domain: string | undefined, after = "", limit = 100): Promise<UserSummary[]> {
    return (await this.core.accounts.listUsers(domain || this.defaultDomain, after, limit)).map(summary);
  }

  async getUser(id: string): Promise<UserSummary> {
    const u = await this.core.accounts.getUser(normalizeUserId(id, this.defaultDomain));
    if (!u) throw notFound(`no user ${id}`);
    return summary(u);
  }

  async setPassword(ctx: AuditContext, id: string, password: string, temporary = false): Promise<void> {
    const userId = normalizeUserId(id, this.defaultDomain);
    await this.core.accounts.setPassword(
      userId,
      password,
      temporary,
      this.audit(ctx, "user.password_reset", userId, { temporary }),
    );
  }

  async setDisabled(ctx: AuditContext, id: string, disabled: boolean): Promise<void> {
    const userId = normalizeUserId(id, this.defaultDomain);
    await this.core.accounts.setDisabled(
      userId,
      disabled,
      this.audit(ctx, disabled ? "user.freeze" : "user.unfreeze", userId),
    );
  }

  /** Ends every session of the user (they can log in again). */
  async forceLogout(ctx: AuditContext, id: string): Promise<number> {
    const userId = normalizeUserId(id, this.defaultDomain);
    const n = await this.store.transaction(async (tx) => {
      if (!(await tx.getUser(userId))) throw notFound(`no user ${userId}`);
      const count = await tx.deleteSessionsOfUser(userId);
      await this.core.auditor.record(tx, ctx, domainOf(userId), "user.force_logout", userId, {
        sessions: count,
      });
      return count;
    });
    this.core.deps.bus.kick([userId], "logged_out");
    return n;
  }

  async updateProfile(ctx: AuditContext, id: string, input: ProfileInput): Promise<UserSummary> {
    return summary(
      await this.core.directoryAdmin.updateUser(ctx, normalizeUserId(id, this.defaultDomain), input),
    );
  }

  // --- departments and import

  saveDepartment(
    ctx: AuditContext,
    domain: string | undefined,
    input: DepartmentInput,
  ): Promise<DepartmentRecord> {
    return this.core.directoryAdmin.saveDepartment(ctx, domain || this.defaultDomain, input);
  }

  deleteDepartment(ctx: AuditContext, domain: string | undefined, id: string): Promise<void> {
    return this.core.directoryAdmin.deleteDepartment(ctx, domain || this.defaultDomain, id);
  }

  /** Parses a CSV or JSON user list and imports its good rows; bad rows are reported by line. */
  async importUsers(
    ctx: AuditContext,
    domain: string | undefined,
    text: string,
    kind: "csv" | "json",
    opts: ImportOptions,
  ): Promise<ImportReport & { format: string }> {
    const d = domain || this.defaultDomain;
    if (!(await this.store.read.getDomain(d))) throw notFound(`unknown domain ${d}`);
    const parsed = parseUserList(text, kind);
    const report = await this.core.importer.run(ctx, d, parsed.rows as ImportRow[], opts);
    report.errors = [...parsed.errors, ...report.errors].sort((a, b) => a.line - b.line);
    return { ...report, format: parsed.format };
  }

  listAudit(domain: string | undefined, beforeAt = 0, limit = 100): Promise<AuditRecord[]> {
    return this.store.read.listAudit(
      domain || this.defaultDomain,
      beforeAt,
      Math.min(Math.max(limit, 1), 1000),
    );
  }

  // --- groups

  async createGroup(
    ctx: AuditContext,
    input: { name: string; owner: string; members: string[] },
  ): Promise<GroupSummary> {
    const owner = normalizeUserId(input.owner, this.defaultDomain, "owner");
    const conv = await this.core.groups.create(
      { userId: this.actorId(ctx, domainOf(owner)), admin: true },
      input.name,
      input.members,
      owner,
    );
    await this.log(ctx, domainOf(owner), "group.create", conv.id, { name: conv.name });
    return {
      id: conv.id,
      name: conv.name,
      memberCount: conv.memberCount,
      lastSeq: Number(conv.lastSeq),
      disbanded: false,
    };
  }

  /** `scope`: the domain the administrator may manage ("*": every domain). */
  async addMembers(ctx: AuditContext, groupId: string, userIds: string[], scope = "*"): Promise<void> {
    const actor = await this.groupActor(ctx, groupId, scope);
    await this.core.groups.addMembers({ userId: actor.id, admin: true }, groupId, userIds);
    await this.log(ctx, actor.domain, "group.add_members", groupId, { userIds });
  }

  async removeMembers(ctx: AuditContext, groupId: string, userIds: string[], scope = "*"): Promise<void> {
    const actor = await this.groupActor(ctx, groupId, scope);
    await this.core.groups.removeMembers({ userId: actor.id, admin: true }, groupId, userIds);
    await this.log(ctx, actor.domain, "group.remove_members", groupId, { userIds });
  }

  async listGroups(domain: string | undefined, after = "", limit = 100): Promise<GroupSummary[]> {
    const rows = await this.store.read.listGroups(
      domain || this.defaultDomain,
      after,
      Math.min(Math.max(limit, 1), 1000),
    );
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      memberCount: c.memberCount,
      lastSeq: c.lastSeq,
      disbanded: c.disbanded,
    }));
  }

  /** The audit context of the local admin key and the CLI. */
  systemContext(source = "cli"): AuditContext {
    return { actor: "system", source };
  }

  /** The id recorded in a group's history for an admin change: the acting admin, or the domain's administrator. */
  private actorId(ctx: AuditContext, domain: string): string {
    return ctx.actor === "system" ? `admin@${domain}` : ctx.actor;
  }

  private async groupActor(
    ctx: AuditContext,
    groupId: string,
    scope: string,
  ): Promise<{ id: string; domain: string }> {
    const conv = await this.store.read.getConversation(groupId);
    // Another domain's group is "not found" to a domain administrator, like any other missing group.
    if (conv?.kind !== "group" || (scope !== "*" && conv.domain !== scope)) throw notFound("no such group");
    return { id: this.actorId(ctx, conv.domain), domain: conv.domain };
  }

  /** An audit entry about a user, to be written inside the transaction that makes the change. */
  private audit(
    ctx: AuditContext,
    action: string,
    userId: string,
    details: Record<string, unknown> = {},
  ): AlsoInTx {
    return (tx) => this.core.auditor.record(tx, ctx, domainOf(userId), action, userId, details);
  }

  /** An audit entry for a change made by a service that takes no extra writes (groups), right after it. */
  private async log(
    ctx: AuditContext,
    domain: string,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.store.transaction((tx) => this.core.auditor.record(tx, ctx, domain, action, target, details));
  }
}

function summary(u: UserRecord): UserSummary {
  return {
    id: u.id,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    status: u.status,
    departmentId: u.departmentId,
    title: u.title,
    email: u.email,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt,
  };
}

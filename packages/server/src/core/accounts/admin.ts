import { ErrorCode, StarlingError } from "@starling/protocol";
import type { Core } from "../core.js";
import type { AuditContext } from "../directory/audit.js";
import type { DepartmentInput, ProfileInput } from "../directory/directory-admin.js";
import { type ImportRow, parseUserList } from "../directory/import-parse.js";
import type { ImportOptions, ImportReport } from "../directory/import-users.js";
import { invalid, notFound } from "../kernel/errors.js";
import { completeUserId, domainOf, fullUserId, isValidDomain } from "../kernel/ids.js";
import { ADMIN_PAGE_MAX } from "../kernel/limits.js";
import type { Bus, Clock } from "../kernel/ports.js";
import type {
  AuditRecord,
  DepartmentRecord,
  DomainRecord,
  EmploymentStatus,
  UserRecord,
  UserRole,
} from "../kernel/records.js";
import type { AlsoInTx } from "./accounts.js";
import type { IssuedCode } from "./activation.js";
import type { AccountsStore } from "./store.js";

export type { AuditContext } from "../directory/audit.js";

/**
 * Who administers: the audit context plus the domain they may manage. `scope` is a
 * domain, or "*" for the server administrator (the admin key, the CLI).
 */
export interface AdminCaller extends AuditContext {
  scope: string;
}

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
  /** A bot account (docs/bots.md). */
  bot: boolean;
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
    private readonly store: AccountsStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  get defaultDomain(): string {
    return this.core.accounts.defaultDomain;
  }

  // --- who may do what

  /**
   * The edge's way to read a user id an administrator typed: a bare id is one of the
   * caller's own domain (the server's default domain for the server administrator).
   * Every operation below takes full ids only.
   */
  completeUserId(caller: AdminCaller, input: string, field = "user_id"): string {
    return completeUserId(input, this.homeDomain(caller), field);
  }

  /** The domain an operation without one acts on: the caller's own. */
  homeDomain(caller: AdminCaller): string {
    return caller.scope === "*" ? this.defaultDomain : caller.scope;
  }

  /** A full user id the caller may administer, or INVALID_ARGUMENT / FORBIDDEN. */
  target(caller: AdminCaller, id: string, field = "user_id"): string {
    const userId = fullUserId(id, field);
    this.requireScope(caller, domainOf(userId));
    return userId;
  }

  /** The domain named (or the caller's own), if the caller may administer it. */
  private domainFor(caller: AdminCaller, domain: string | undefined): string {
    const d = domain || this.homeDomain(caller);
    this.requireScope(caller, d);
    return d;
  }

  private requireScope(caller: AdminCaller, domain: string): void {
    if (caller.scope !== "*" && caller.scope !== domain)
      throw new StarlingError(ErrorCode.FORBIDDEN, "administrators manage their own domain only");
  }

  /** Domains and server settings are the server administrator's alone. */
  requireServerAdmin(caller: AdminCaller): void {
    if (caller.scope !== "*")
      throw new StarlingError(ErrorCode.FORBIDDEN, "only the server administrator manages domains");
  }

  // --- domains

  async addDomain(caller: AdminCaller, name: string): Promise<DomainRecord> {
    this.requireServerAdmin(caller);
    const domain = name.trim().toLowerCase();
    if (!isValidDomain(domain)) throw invalid(`not a valid domain name: ${name}`, "name");
    const created = await this.store.transaction(async (tx) => {
      const ok = await tx.createDomain(domain, this.clock.now());
      if (ok) await this.core.auditor.record(tx, caller, domain, "domain.add", domain);
      return ok;
    });
    if (!created) throw new StarlingError(ErrorCode.CONFLICT, `domain ${domain} already exists`);
    return (await this.store.read.getDomain(domain)) as DomainRecord;
  }

  listDomains(caller: AdminCaller): Promise<DomainRecord[]> {
    this.requireServerAdmin(caller);
    return this.store.read.listDomains();
  }

  /** The domain's own largest file and storage quota, in bytes (0: the server's settings). */
  async setDomainFileLimits(
    caller: AdminCaller,
    name: string,
    limits: { maxFileBytes: number; quotaBytes: number },
  ): Promise<DomainRecord> {
    this.requireServerAdmin(caller);
    for (const [field, v] of Object.entries(limits))
      if (!Number.isSafeInteger(v) || v < 0) throw invalid(`${field} must be a whole number of bytes`, field);
    const ok = await this.store.transaction(async (tx) => {
      const found = await tx.setDomainFileLimits(name, limits);
      if (found) await this.core.auditor.record(tx, caller, name, "domain.file_limits", name, { ...limits });
      return found;
    });
    if (!ok) throw notFound(`no domain ${name}`);
    return (await this.store.read.getDomain(name)) as DomainRecord;
  }

  /**
   * Whether the domain's push notifications carry the message text ("text"), only the sender and
   * "new message" ("none"), or what the server's push.previews says ("").
   */
  async setDomainPushPreviews(
    caller: AdminCaller,
    name: string,
    previews: DomainRecord["pushPreviews"],
  ): Promise<DomainRecord> {
    this.requireServerAdmin(caller);
    if (previews !== "" && previews !== "none" && previews !== "text")
      throw invalid('pushPreviews is "", "none" or "text"', "pushPreviews");
    const ok = await this.store.transaction(async (tx) => {
      const found = await tx.setDomainPushPreviews(name, previews);
      if (found) await this.core.auditor.record(tx, caller, name, "domain.push_previews", name, { previews });
      return found;
    });
    if (!ok) throw notFound(`no domain ${name}`);
    return (await this.store.read.getDomain(name)) as DomainRecord;
  }

  /** A disabled domain's users are disconnected and cannot log in until it is enabled again. */
  async setDomainDisabled(caller: AdminCaller, name: string, disabled: boolean): Promise<void> {
    this.requireServerAdmin(caller);
    const ok = await this.store.transaction(async (tx) => {
      const found = await tx.setDomainDisabled(name, disabled);
      if (found)
        await this.core.auditor.record(tx, caller, name, disabled ? "domain.disable" : "domain.enable", name);
      return found;
    });
    if (!ok) throw notFound(`no domain ${name}`);
    if (!disabled) return;
    for (let after = ""; ; ) {
      const page = await this.store.read.listUsers(name, after, KICK_PAGE);
      if (page.length === 0) break;
      this.bus.kick(
        page.map((u) => u.id),
        "disabled",
      );
      after = page[page.length - 1]?.id ?? "";
    }
  }

  // --- users

  async addUser(
    caller: AdminCaller,
    input: { id: string; password: string; displayName?: string; role?: string; temporary?: boolean },
  ): Promise<UserSummary> {
    const id = this.target(caller, input.id, "id");
    const role = input.role ?? "user";
    if (role !== "user" && role !== "admin") throw invalid("role must be user or admin", "role");
    const u = await this.core.accounts.createUser(
      {
        id,
        password: input.password,
        role,
        mustChangePassword: input.temporary ?? false,
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      },
      this.audit(caller, "user.add", id, { role, temporary: input.temporary ?? false }),
    );
    return summary(u);
  }

  async listUsers(
    caller: AdminCaller,
    domain: string | undefined,
    after = "",
    limit = 100,
  ): Promise<UserSummary[]> {
    return (await this.core.accounts.listUsers(this.domainFor(caller, domain), after, limit)).map(summary);
  }

  async getUser(caller: AdminCaller, id: string): Promise<UserSummary> {
    const userId = this.target(caller, id);
    const u = await this.core.accounts.getUser(userId);
    if (!u) throw notFound(`no user ${userId}`);
    return summary(u);
  }

  async setPassword(caller: AdminCaller, id: string, password: string, temporary = false): Promise<void> {
    const userId = this.target(caller, id);
    await this.core.accounts.setPassword(
      userId,
      password,
      temporary,
      this.audit(caller, "user.password_reset", userId, { temporary }),
    );
  }

  /** A one-time activation code for a person who has not chosen their password yet. */
  async issueActivation(caller: AdminCaller, id: string): Promise<IssuedCode> {
    const userId = this.target(caller, id);
    return this.core.activation.issue(
      userId,
      caller.actor,
      this.audit(caller, "user.activation_code", userId),
    );
  }

  async setDisabled(caller: AdminCaller, id: string, disabled: boolean): Promise<void> {
    const userId = this.target(caller, id);
    await this.core.accounts.setDisabled(
      userId,
      disabled,
      this.audit(caller, disabled ? "user.freeze" : "user.unfreeze", userId),
    );
  }

  /** Ends every session of the user (they can log in again). */
  async forceLogout(caller: AdminCaller, id: string): Promise<number> {
    const userId = this.target(caller, id);
    const n = await this.store.transaction(async (tx) => {
      if (!(await tx.getUser(userId))) throw notFound(`no user ${userId}`);
      const count = await tx.deleteSessionsOfUser(userId);
      await this.core.auditor.record(tx, caller, domainOf(userId), "user.force_logout", userId, {
        sessions: count,
      });
      return count;
    });
    this.bus.kick([userId], "logged_out");
    return n;
  }

  async updateProfile(caller: AdminCaller, id: string, input: ProfileInput): Promise<UserSummary> {
    return summary(await this.core.directoryAdmin.updateUser(caller, this.target(caller, id), input));
  }

  // --- departments and import

  saveDepartment(
    caller: AdminCaller,
    domain: string | undefined,
    input: DepartmentInput,
  ): Promise<DepartmentRecord> {
    return this.core.directoryAdmin.saveDepartment(caller, this.domainFor(caller, domain), input);
  }

  deleteDepartment(caller: AdminCaller, domain: string | undefined, id: string): Promise<void> {
    return this.core.directoryAdmin.deleteDepartment(caller, this.domainFor(caller, domain), id);
  }

  /**
   * Parses a CSV or JSON user list and imports its good rows; bad rows are reported by line.
   * The file's bare ids are of the domain imported into (rows of another domain are refused).
   */
  async importUsers(
    caller: AdminCaller,
    domain: string | undefined,
    text: string,
    kind: "csv" | "json",
    opts: ImportOptions,
  ): Promise<ImportReport & { format: string }> {
    const d = this.domainFor(caller, domain);
    if (!(await this.store.read.getDomain(d))) throw notFound(`unknown domain ${d}`);
    const parsed = parseUserList(text, kind);
    const report = await this.importRows(caller, d, parsed.rows as ImportRow[], opts);
    report.errors = [...parsed.errors, ...report.errors].sort((a, b) => a.line - b.line);
    return { ...report, format: parsed.format };
  }

  /**
   * Imports rows read from elsewhere (another system's database), as importUsers does a file's.
   * A dry run may name a domain a real run would add first (opts.domainAddedFirst).
   */
  async importRows(
    caller: AdminCaller,
    domain: string | undefined,
    rows: readonly ImportRow[],
    opts: ImportOptions,
  ): Promise<ImportReport> {
    const d = this.domainFor(caller, domain);
    if (!(opts.dryRun && opts.domainAddedFirst) && !(await this.store.read.getDomain(d)))
      throw notFound(`unknown domain ${d}`);
    return this.core.importer.run(caller, d, rows, opts);
  }

  listAudit(
    caller: AdminCaller,
    domain: string | undefined,
    beforeAt = 0,
    limit = 100,
  ): Promise<AuditRecord[]> {
    return this.store.read.listAudit(
      this.domainFor(caller, domain),
      beforeAt,
      Math.min(Math.max(limit, 1), ADMIN_PAGE_MAX),
    );
  }

  // --- groups

  async createGroup(
    caller: AdminCaller,
    input: { name: string; owner: string; members: string[] },
  ): Promise<GroupSummary> {
    const owner = this.target(caller, input.owner, "owner");
    const members = input.members.map((m) => this.target(caller, m, "members"));
    const conv = await this.core.groups.create(
      { userId: this.actorId(caller, domainOf(owner)), admin: true },
      input.name,
      members,
      owner,
    );
    await this.log(caller, domainOf(owner), "group.create", conv.id, { name: conv.name });
    return {
      id: conv.id,
      name: conv.name,
      memberCount: conv.memberCount,
      lastSeq: Number(conv.lastSeq),
      disbanded: false,
    };
  }

  async addMembers(caller: AdminCaller, groupId: string, userIds: string[]): Promise<void> {
    const ids = userIds.map((id) => this.target(caller, id, "user_ids"));
    const actor = await this.groupActor(caller, groupId);
    await this.core.groups.addMembers({ userId: actor.id, admin: true }, groupId, ids);
    await this.log(caller, actor.domain, "group.add_members", groupId, { userIds: ids });
  }

  async removeMembers(caller: AdminCaller, groupId: string, userIds: string[]): Promise<void> {
    const ids = userIds.map((id) => this.target(caller, id, "user_ids"));
    const actor = await this.groupActor(caller, groupId);
    await this.core.groups.removeMembers({ userId: actor.id, admin: true }, groupId, ids);
    await this.log(caller, actor.domain, "group.remove_members", groupId, { userIds: ids });
  }

  async listGroups(
    caller: AdminCaller,
    domain: string | undefined,
    after = "",
    limit = 100,
  ): Promise<GroupSummary[]> {
    const rows = await this.store.read.listGroups(
      this.domainFor(caller, domain),
      after,
      Math.min(Math.max(limit, 1), ADMIN_PAGE_MAX),
    );
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      memberCount: c.memberCount,
      lastSeq: c.lastSeq,
      disbanded: c.disbanded,
    }));
  }

  /** The server administrator as the local admin key and the CLI act: every domain. */
  systemContext(source = "cli"): AdminCaller {
    return { actor: "system", source, scope: "*" };
  }

  /** The id recorded in a group's history for an admin change: the acting admin, or the domain's administrator. */
  private actorId(ctx: AuditContext, domain: string): string {
    return ctx.actor === "system" ? `admin@${domain}` : ctx.actor;
  }

  private async groupActor(caller: AdminCaller, groupId: string): Promise<{ id: string; domain: string }> {
    const conv = await this.store.read.getConversation(groupId);
    // Another domain's group is "not found" to a domain administrator, like any other missing group.
    if (conv?.kind !== "group" || (caller.scope !== "*" && conv.domain !== caller.scope))
      throw notFound("no such group");
    return { id: this.actorId(caller, conv.domain), domain: conv.domain };
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
    bot: u.bot,
  };
}

import type { Core } from "./core.js";
import { invalid } from "./errors.js";
import { normalizeUserId } from "./ids.js";
import type { Store } from "./ports.js";
import type { UserRole } from "./records.js";

export interface UserSummary {
  id: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: number;
}

export interface GroupSummary {
  id: string;
  name: string;
  memberCount: number;
  lastSeq: number;
  disbanded: boolean;
}

/**
 * Administration, as used by the admin HTTP API and by the CLI when no
 * server is running. Admin group changes skip role checks and are recorded
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

  async addUser(input: {
    id: string;
    password: string;
    displayName?: string;
    role?: string;
  }): Promise<UserSummary> {
    const role = input.role ?? "user";
    if (role !== "user" && role !== "admin") throw invalid("role must be user or admin", "role");
    const u = await this.core.accounts.createUser({ ...input, role });
    return summary(u);
  }

  async listUsers(domain: string | undefined, after = "", limit = 100): Promise<UserSummary[]> {
    return (await this.core.accounts.listUsers(domain || this.defaultDomain, after, limit)).map(summary);
  }

  setPassword(id: string, password: string): Promise<void> {
    return this.core.accounts.setPassword(id, password);
  }

  setDisabled(id: string, disabled: boolean): Promise<void> {
    return this.core.accounts.setDisabled(id, disabled);
  }

  async createGroup(
    actorId: string,
    input: { name: string; owner: string; members: string[] },
  ): Promise<GroupSummary> {
    const owner = normalizeUserId(input.owner, this.defaultDomain, "owner");
    const conv = await this.core.groups.create(
      { userId: actorId, admin: true },
      input.name,
      input.members,
      owner,
    );
    return {
      id: conv.id,
      name: conv.name,
      memberCount: conv.memberCount,
      lastSeq: Number(conv.lastSeq),
      disbanded: false,
    };
  }

  addMembers(actorId: string, groupId: string, userIds: string[]): Promise<void> {
    return this.core.groups.addMembers({ userId: actorId, admin: true }, groupId, userIds);
  }

  removeMembers(actorId: string, groupId: string, userIds: string[]): Promise<void> {
    return this.core.groups.removeMembers({ userId: actorId, admin: true }, groupId, userIds);
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

  /** The id recorded as the actor of CLI/admin-key changes: the domain's administrator account. */
  systemActor(domain?: string): string {
    return `admin@${domain || this.defaultDomain}`;
  }
}

function summary(u: {
  id: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: number;
}): UserSummary {
  return { id: u.id, displayName: u.displayName, role: u.role, disabled: u.disabled, createdAt: u.createdAt };
}

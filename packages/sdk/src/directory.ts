import type {
  Department,
  DepartmentListing,
  DirectoryChanges,
  DirectorySearchResult,
  UserCard,
} from "@starling/protocol";
import { CoalescingRunner } from "./coalescing-runner.js";
import type { Requester } from "./requester.js";

/** Version ranges of a large download requested at once. */
const PARALLEL_RANGES = 4;
/** Entries in the first page of a sync: small, since a large download continues in ranges. */
const FIRST_PAGE = 200;

/** What `changes` did to the local copy of the directory. */
export interface DirectoryUpdate {
  version: number;
  users: UserCard[];
  departments: Department[];
  removedUserIds: string[];
  removedDepartmentIds: string[];
}

export interface ProfileInput {
  displayName?: string;
  title?: string;
  phone?: string;
  avatar?: string;
  /** Shown to colleagues next to the name; "" clears it. */
  statusText?: string;
  /** Replaces the whole setting; `{}` turns it off. Whether it holds now: `inDoNotDisturb`. */
  doNotDisturb?: DoNotDisturbInput;
}

/** Do-not-disturb as set: on now (until `until`, Unix ms, if given), and/or daily hours in a time zone. */
export interface DoNotDisturbInput {
  on?: boolean;
  until?: number;
  daily?: boolean;
  /** Minutes after midnight, 0-1439; an end before the start runs overnight. */
  fromMinute?: number;
  toMinute?: number;
  /** IANA time zone; the device's own is usually meant: Intl.DateTimeFormat().resolvedOptions().timeZone. */
  timeZone?: string;
}

/**
 * The organisation directory of the user's domain. Requests go straight to
 * the server; `sync()` keeps a local copy (everyone and every department)
 * up to date by asking only for what changed since the copy's version, and
 * runs by itself when the server says the directory changed.
 */
export class DirectoryClient {
  private readonly usersById = new Map<string, UserCard>();
  private readonly departmentsById = new Map<string, Department>();
  private current = 0;
  private synced = false;
  private readonly runner: CoalescingRunner<DirectoryUpdate>;

  constructor(
    private readonly requester: () => Requester,
    private readonly onUpdate: (update: DirectoryUpdate) => void,
    /** Page size of `sync` (users and departments together; the server allows up to 2000). */
    private readonly pageLimit = 2000,
  ) {
    this.runner = new CoalescingRunner(() => this.pull());
  }

  /** The local copy's version (0: never synced). */
  get version(): number {
    return this.current;
  }

  get users(): ReadonlyMap<string, UserCard> {
    return this.usersById;
  }

  get departments(): ReadonlyMap<string, Department> {
    return this.departmentsById;
  }

  /** Brings the local copy up to date; concurrent calls share one pass. */
  sync(): Promise<DirectoryUpdate> {
    return this.runner.run();
  }

  /** One page of changes after `sinceVersion` (up to `untilVersion`, if not 0), without touching the local copy. */
  changes(sinceVersion: number, limit = this.pageLimit, untilVersion = 0): Promise<DirectoryChanges> {
    return this.requester().expect(
      {
        case: "getDirectoryChanges",
        value: { sinceVersion: BigInt(sinceVersion), limit, untilVersion: BigInt(untilVersion) },
      },
      "idempotent",
      "directoryChanges",
    );
  }

  /** A department's children and a page of its members ("" for the top level). */
  department(departmentId = "", afterUserId = "", limit = 200): Promise<DepartmentListing> {
    return this.requester().expect(
      { case: "getDepartment", value: { departmentId, afterUserId, limit } },
      "idempotent",
      "department",
    );
  }

  search(query: string, limit = 20): Promise<DirectorySearchResult> {
    return this.requester().expect(
      { case: "searchDirectory", value: { query, limit } },
      "idempotent",
      "directorySearch",
    );
  }

  async cards(userIds: string[]): Promise<UserCard[]> {
    const res = await this.requester().expect(
      { case: "getUserCards", value: { userIds } },
      "idempotent",
      "userCards",
    );
    return res.users;
  }

  async updateProfile(input: ProfileInput): Promise<void> {
    const { doNotDisturb, ...fields } = input;
    const value = doNotDisturb
      ? { ...fields, doNotDisturb: { ...doNotDisturb, until: BigInt(doNotDisturb.until ?? 0) } }
      : fields;
    await this.requester().call({ case: "updateProfile", value }, "idempotent");
  }

  /** The server says the directory reached `version`: pull if there is a copy and it is behind. */
  changed(version: number): void {
    // A failed pull is retried on the next change or sync() call.
    if (this.synced && version > this.current) void this.sync().catch(() => {});
  }

  private async pull(): Promise<DirectoryUpdate> {
    const update: DirectoryUpdate = {
      version: this.current,
      users: [],
      departments: [],
      removedUserIds: [],
      removedDepartmentIds: [],
    };
    const apply = (page: DirectoryChanges) => {
      for (const u of page.users) this.usersById.set(u.id, u);
      for (const d of page.departments) this.departmentsById.set(d.id, d);
      for (const id of page.removedUserIds) this.usersById.delete(id);
      for (const id of page.removedDepartmentIds) this.departmentsById.delete(id);
      update.users.push(...page.users);
      update.departments.push(...page.departments);
      update.removedUserIds.push(...page.removedUserIds);
      update.removedDepartmentIds.push(...page.removedDepartmentIds);
    };
    for (let first = true; ; first = false) {
      // A short first page: it tells the domain's version, from which the rest is fetched in ranges.
      const page = await this.changes(
        this.current,
        first ? Math.min(FIRST_PAGE, this.pageLimit) : this.pageLimit,
      );
      apply(page);
      this.current = Math.max(this.current, Number(page.version));
      if (!page.hasMore) break;
      // Far behind (a first download): fetch the rest as version ranges at once, so the
      // server reads the next pages while this client decodes the last ones. Every row has
      // one version, so the ranges never overlap.
      const target = Number(page.domainVersion);
      if (target > this.current) {
        await this.ranges(this.current, target, apply);
        this.current = target;
      }
    }
    update.version = this.current;
    this.synced = true;
    this.onUpdate(update);
    return update;
  }

  /** Every change in (from, to], as PARALLEL_RANGES ranges each paged to its end. */
  private async ranges(from: number, to: number, apply: (page: DirectoryChanges) => void): Promise<void> {
    const step = Math.ceil((to - from) / PARALLEL_RANGES);
    const bounds: [number, number][] = [];
    for (let lo = from; lo < to; lo += step) bounds.push([lo, Math.min(to, lo + step)]);
    await Promise.all(
      bounds.map(async ([lo, hi]) => {
        for (let since = lo; ; ) {
          const page = await this.changes(since, this.pageLimit, hi);
          apply(page);
          since = Number(page.version);
          if (!page.hasMore) return;
        }
      }),
    );
  }
}

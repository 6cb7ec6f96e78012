import { invalid } from "../kernel/errors.js";
import { completeUserId, domainOf } from "../kernel/ids.js";
import type { Clock, PasswordHasher, Random } from "../kernel/ports.js";
import { EMPTY_PROFILE, type UserRecord } from "../kernel/records.js";
import type { AuditContext, Auditor } from "./audit.js";
import type { DirectoryAdmin } from "./directory-admin.js";
import type { ImportRow } from "./import-parse.js";
import { nameKeys } from "./pinyin.js";
import type { DirectoryStore, DirectoryTx } from "./store.js";
import { checkEmail, checkText } from "./validate.js";

export interface ImportOptions {
  dryRun: boolean;
  /** false: new users get no usable password (an administrator sets one later). Default true. */
  initialPasswords?: boolean;
  /** Called after each chunk commits (or rolls back, in a dry run) with the rows handled so far. */
  onProgress?: (done: number, total: number) => void;
  /**
   * The domain does not exist yet and a real run adds it before importing (a migration from
   * another system): a dry run adds it inside each chunk's rolled-back transaction, so its rows
   * are checked as the real run will write them.
   */
  domainAddedFirst?: boolean;
}

export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  departmentsCreated: number;
  /** Rows that were not imported, by line; the others were. */
  errors: { line: number; message: string }[];
  /** New users' initial passwords, to hand out; each must be changed at first login. */
  initialPasswords: { userId: string; password: string }[];
}

/** Rows per transaction: a bad row costs only itself, a big file does not hold the store for long. */
const CHUNK = 500;
/** The deepest department path an import creates (the same limit as DirectoryAdmin's). */
const MAX_PATH_DEPTH = 32;
/** A password hash no password matches: the account exists but cannot log in yet. */
const NO_PASSWORD = "!";

type Counts = Omit<ImportReport, "dryRun">;

const emptyCounts = (): Counts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  departmentsCreated: 0,
  errors: [],
  initialPasswords: [],
});

function addCounts(into: Counts, c: Counts): void {
  into.created += c.created;
  into.updated += c.updated;
  into.unchanged += c.unchanged;
  into.departmentsCreated += c.departmentsCreated;
  into.errors.push(...c.errors);
  into.initialPasswords.push(...c.initialPasswords);
}

/** Thrown to roll a dry run's chunk back, carrying what the chunk would have done. */
class DryRunRollback extends Error {
  constructor(readonly result: { counts: Counts; cache: Map<string, string>; version: number }) {
    super("dry run");
  }
}

/**
 * Upserts departments (by path) and users from an import file. Running the
 * same file twice changes nothing the second time; existing users keep
 * their password; users not in the file are left alone.
 */
export class UserImporter {
  constructor(
    private readonly store: DirectoryStore,
    private readonly hasher: PasswordHasher,
    private readonly random: Random,
    private readonly clock: Clock,
    private readonly directory: DirectoryAdmin,
    private readonly auditor: Auditor,
  ) {}

  async run(
    ctx: AuditContext,
    domain: string,
    rows: readonly ImportRow[],
    opts: ImportOptions,
  ): Promise<ImportReport> {
    const report: ImportReport = { dryRun: opts.dryRun, ...emptyCounts() };
    const departments = new Map<string, string>();
    let lastVersion = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const passwords =
        opts.initialPasswords !== false && !opts.dryRun ? await this.passwordsFor(chunk, domain) : new Map();
      // Everything a chunk produces is made inside its transaction and kept only once it commits
      // (or, in a dry run, once it rolled back on purpose): the store may run the body twice.
      const outcome = await this.store
        .transaction(async (tx) => {
          if (opts.dryRun && opts.domainAddedFirst) await tx.createDomain(domain, this.clock.now());
          const counts = emptyCounts();
          const cache = new Map(departments);
          let version = 0;
          for (const row of chunk) {
            try {
              version = Math.max(
                version,
                await this.importRow(tx, ctx, domain, row, cache, passwords, counts),
              );
            } catch (err) {
              counts.errors.push({ line: row.line, message: (err as Error).message });
            }
          }
          const result = { counts, cache, version };
          if (opts.dryRun) throw new DryRunRollback(result);
          return result;
        })
        .catch((err: unknown) => {
          if (err instanceof DryRunRollback) return err.result;
          throw err;
        });
      addCounts(report, outcome.counts);
      for (const [k, v] of outcome.cache) departments.set(k, v);
      lastVersion = Math.max(lastVersion, outcome.version);
      opts.onProgress?.(Math.min(i + CHUNK, rows.length), rows.length);
    }
    if (!opts.dryRun && lastVersion > 0) this.directory.notify(domain, lastVersion);
    return report;
  }

  /** Random initial passwords for the chunk's ids that are not users yet; hashed outside any transaction (slow). */
  private async passwordsFor(
    chunk: readonly ImportRow[],
    domain: string,
  ): Promise<Map<string, { password: string; hash: string }>> {
    const ids = chunk.flatMap((r) => {
      const id = this.idOf(r, domain);
      return id ? [id] : [];
    });
    const existing = new Set((await this.store.read.getUsers(ids)).map((u) => u.id));
    // Users who bring their password along get no initial one.
    const legacy = new Set(chunk.filter((r) => r.legacyPasswordHash).map((r) => this.idOf(r, domain)));
    const passwords = new Map<string, { password: string; hash: string }>();
    for (const id of ids) {
      if (existing.has(id) || passwords.has(id) || legacy.has(id)) continue;
      const password = Buffer.from(this.random.bytes(12)).toString("base64url");
      passwords.set(id, { password, hash: await this.hasher.hash(password) });
    }
    return passwords;
  }

  private idOf(row: ImportRow, domain: string): string | undefined {
    try {
      return completeUserId(row.id, domain);
    } catch {
      return undefined;
    }
  }

  /** One row; returns the directory version it used (0 when nothing changed). */
  private async importRow(
    tx: DirectoryTx,
    ctx: AuditContext,
    domain: string,
    row: ImportRow,
    departments: Map<string, string>,
    passwords: Map<string, { password: string; hash: string }>,
    report: Counts,
  ): Promise<number> {
    const id = completeUserId(row.id, domain, "id");
    if (domainOf(id) !== domain) throw invalid(`${id} is not in domain ${domain}`, "id");
    const displayName = checkText(row.displayName, "name", 100);
    if (!displayName) throw invalid("name is empty", "name");
    const profile = {
      displayName,
      title: checkText(row.title ?? "", "title", 100),
      email: checkEmail(row.email ?? ""),
      phone: checkText(row.phone ?? "", "phone", 40),
      departmentId: await this.departmentId(tx, ctx, domain, row.departmentPath, departments, report),
      ...(row.status ? { status: row.status } : {}),
      ...(row.frozen !== undefined ? { disabled: row.frozen } : {}),
    };
    const keys = nameKeys(displayName);
    const current = await tx.getUser(id);
    if (!current) {
      const pw = passwords.get(id);
      const version = await tx.nextDirectoryVersions(domain, 1);
      const user: UserRecord = {
        ...EMPTY_PROFILE,
        id,
        domain,
        passwordHash: row.legacyPasswordHash ?? pw?.hash ?? NO_PASSWORD,
        role: "user",
        disabled: false,
        createdAt: this.clock.now(),
        ...profile,
        pinyin: keys.pinyin,
        pinyinInitials: keys.initials,
        // A kept password is the user's own; a generated one, or none, must be replaced.
        mustChangePassword: row.legacyPasswordHash === undefined,
        version,
      };
      await tx.insertUser(user);
      report.created++;
      if (pw) report.initialPasswords.push({ userId: id, password: pw.password });
      await this.auditor.record(tx, ctx, domain, "user.import", id, { created: true });
      return version;
    }
    const changed = (Object.keys(profile) as (keyof typeof profile)[]).some((k) => current[k] !== profile[k]);
    if (!changed) {
      report.unchanged++;
      return 0;
    }
    const version = await tx.nextDirectoryVersions(domain, 1);
    await tx.updateUser(id, { ...profile, pinyin: keys.pinyin, pinyinInitials: keys.initials, version });
    if (profile.status === "left" || profile.disabled === true) await tx.deleteSessionsOfUser(id);
    report.updated++;
    await this.auditor.record(tx, ctx, domain, "user.import", id, { created: false });
    return version;
  }

  /** Finds or creates each department of the path; returns the last one's id ("" for none). */
  private async departmentId(
    tx: DirectoryTx,
    ctx: AuditContext,
    domain: string,
    path: readonly string[],
    cache: Map<string, string>,
    report: Counts,
  ): Promise<string> {
    if (path.length > MAX_PATH_DEPTH)
      throw invalid(`departments nest at most ${MAX_PATH_DEPTH} deep`, "department");
    let parent = "";
    let key = "";
    for (const raw of path) {
      const name = checkText(raw, "department", 100);
      key += `/${name}`;
      const known = cache.get(key);
      if (known) {
        parent = known;
        continue;
      }
      const found = await tx.findDepartment(domain, parent, name);
      const id =
        found?.id ??
        `d${Buffer.from(this.random.bytes(9))
          .toString("base64url")
          .replace(/[^A-Za-z0-9]/g, "x")}`;
      if (!found) {
        await tx.upsertDepartment({
          id,
          domain,
          parentId: parent,
          name,
          sortOrder: 0,
          deleted: false,
          version: await tx.nextDirectoryVersions(domain, 1),
        });
        report.departmentsCreated++;
        await this.auditor.record(tx, ctx, domain, "department.import", id, { name, parentId: parent });
      }
      cache.set(key, id);
      parent = id;
    }
    return parent;
  }
}

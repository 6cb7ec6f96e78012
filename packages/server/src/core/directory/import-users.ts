import { invalid } from "../errors.js";
import { domainOf, normalizeUserId } from "../ids.js";
import type { Clock, PasswordHasher, Random, Store, StoreTx } from "../ports.js";
import { EMPTY_PROFILE, type UserRecord } from "../records.js";
import type { AuditContext, Auditor } from "./audit.js";
import type { DirectoryAdmin } from "./directory-admin.js";
import type { ImportRow } from "./import-parse.js";
import { nameKeys } from "./pinyin.js";
import { checkEmail, checkText } from "./validate.js";

export interface ImportOptions {
  dryRun: boolean;
  /** false: new users get no usable password (an administrator sets one later). Default true. */
  initialPasswords?: boolean;
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

class DryRunRollback extends Error {}

/**
 * Upserts departments (by path) and users from an import file. Running the
 * same file twice changes nothing the second time; existing users keep
 * their password; users not in the file are left alone.
 */
export class UserImporter {
  constructor(
    private readonly store: Store,
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
    const report: ImportReport = {
      dryRun: opts.dryRun,
      created: 0,
      updated: 0,
      unchanged: 0,
      departmentsCreated: 0,
      errors: [],
      initialPasswords: [],
    };
    const departments = new Map<string, string>();
    let lastVersion = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      // Hashing is slow; do it outside the transaction, only for ids that may be new.
      const passwords = new Map<string, { password: string; hash: string }>();
      if (opts.initialPasswords !== false && !opts.dryRun) {
        const existing = new Set(
          (await this.store.read.getUsers(chunk.map((r) => this.idOf(r, domain) ?? ""))).map((u) => u.id),
        );
        for (const r of chunk) {
          const id = this.idOf(r, domain);
          if (!id || existing.has(id) || passwords.has(id)) continue;
          const password = Buffer.from(this.random.bytes(12)).toString("base64url");
          passwords.set(id, { password, hash: await this.hasher.hash(password) });
        }
      }
      const before = { ...report, errors: report.errors.length, passwords: report.initialPasswords.length };
      const cache = new Map(departments);
      try {
        lastVersion = await this.store.transaction(async (tx) => {
          let version = 0;
          for (const row of chunk) {
            try {
              version = Math.max(
                version,
                await this.importRow(tx, ctx, domain, row, cache, passwords, report),
              );
            } catch (err) {
              report.errors.push({ line: row.line, message: (err as Error).message });
            }
          }
          if (opts.dryRun) throw new DryRunRollback();
          return version || lastVersion;
        });
        for (const [k, v] of cache) departments.set(k, v);
      } catch (err) {
        if (!(err instanceof DryRunRollback)) {
          // The chunk rolled back: undo its counts and report every row of it.
          Object.assign(report, {
            created: before.created,
            updated: before.updated,
            unchanged: before.unchanged,
            departmentsCreated: before.departmentsCreated,
          });
          report.errors.length = before.errors;
          report.initialPasswords.length = before.passwords;
          for (const row of chunk)
            report.errors.push({ line: row.line, message: "not imported: the store failed" });
          throw err;
        }
        for (const [k, v] of cache) departments.set(k, v);
      }
    }
    if (!opts.dryRun && lastVersion > 0) this.directory.notify(domain, lastVersion);
    return report;
  }

  private idOf(row: ImportRow, domain: string): string | undefined {
    try {
      return normalizeUserId(row.id, domain);
    } catch {
      return undefined;
    }
  }

  /** One row; returns the directory version it used (0 when nothing changed). */
  private async importRow(
    tx: StoreTx,
    ctx: AuditContext,
    domain: string,
    row: ImportRow,
    departments: Map<string, string>,
    passwords: Map<string, { password: string; hash: string }>,
    report: ImportReport,
  ): Promise<number> {
    const id = normalizeUserId(row.id, domain, "id");
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
        passwordHash: pw?.hash ?? NO_PASSWORD,
        role: "user",
        disabled: false,
        createdAt: this.clock.now(),
        ...profile,
        pinyin: keys.pinyin,
        pinyinInitials: keys.initials,
        mustChangePassword: true,
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
    tx: StoreTx,
    ctx: AuditContext,
    domain: string,
    path: readonly string[],
    cache: Map<string, string>,
    report: ImportReport,
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

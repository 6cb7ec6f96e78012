import type { DepartmentRecord, UserRecord } from "../kernel/records.js";
import { nameReadings } from "./pinyin.js";
import type { DirectoryReader } from "./store.js";

/** Rows fetched per page while loading or refreshing a domain. */
const PAGE = 5000;
/** Separates fields inside one entry's search text; a query can never contain it. */
const FIELD = "\u0001";
/** Separates entries. */
const ENTRY = "\u0002";

interface Entry {
  id: string;
  /** The lower-case keys by field, best field first (people: pinyin readings, initials, name, email). */
  keys: string[][];
}

/**
 * One field's keys in byte order with their owners, for prefix lookups by
 * binary search.
 */
class SortedKeys {
  constructor(
    readonly keys: string[],
    readonly ids: string[],
  ) {}

  static of(entries: Iterable<Entry>, field: number): SortedKeys {
    const pairs: [string, string][] = [];
    for (const e of entries) for (const k of e.keys[field] ?? []) if (k) pairs.push([k, e.id]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
    return new SortedKeys(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }

  /** Ids whose key starts with `prefix`, in key order. */
  *startingWith(prefix: string): Generator<string> {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.keys.length && (this.keys[i] as string).startsWith(prefix); i++)
      yield this.ids[i] as string;
  }
}

/** Everything searchable of one domain, with the directory version it reflects. */
class DomainIndex {
  version = 0;
  readonly users = new Map<string, Entry>();
  readonly departments = new Map<string, DepartmentRecord>();
  private built: { fields: SortedKeys[]; text: string; starts: number[]; order: string[] } | undefined;
  private builtDepartments: { text: string; starts: number[]; order: string[] } | undefined;

  invalidate(): void {
    this.built = undefined;
    this.builtDepartments = undefined;
  }

  /** Active users matching `key`: prefix matches by field (best field first), then substrings. */
  matchUsers(key: string, limit: number): string[] {
    const b = this.buildUsers();
    return firstDistinct(
      limit,
      ...b.fields.map((f) => f.startingWith(key)),
      substring(b.text, b.starts, b.order, key),
    );
  }

  /**
   * Live departments whose name starts with `key`, then whose pinyin or
   * initials (of any reading) do, then whose name or pinyin contains it.
   */
  matchDepartments(key: string, limit: number): DepartmentRecord[] {
    const b = this.buildDepartments();
    const ids = firstDistinct(
      limit,
      substring(b.text, b.starts, b.order, `${ENTRY}${key}`),
      substring(b.text, b.starts, b.order, `${FIELD}${key}`),
      substring(b.text, b.starts, b.order, key),
    );
    return ids.flatMap((id) => {
      const d = this.departments.get(id);
      return d ? [d] : [];
    });
  }

  private buildUsers() {
    if (!this.built) {
      const entries = [...this.users.values()];
      const fields = [0, 1, 2, 3].map((f) => SortedKeys.of(entries, f));
      const { text, starts, order } = joined(entries);
      this.built = { fields, text, starts, order };
    }
    return this.built;
  }

  private buildDepartments() {
    this.builtDepartments ??= joined(
      [...this.departments.values()].map((d) => {
        const readings = nameReadings(d.name, false);
        return {
          id: d.id,
          keys: [
            [d.name.toLowerCase()],
            readings.map((r) => r.pinyin),
            distinct(readings.map((r) => r.initials)),
          ],
        };
      }),
    );
    return this.builtDepartments;
  }
}

/** All entries' keys in one string (entry separator first), with where each entry starts. */
function joined(entries: readonly Entry[]): { text: string; starts: number[]; order: string[] } {
  const parts: string[] = [];
  const starts: number[] = [];
  const order: string[] = [];
  let at = 0;
  for (const e of entries) {
    const part = `${ENTRY}${e.keys.flat().join(FIELD)}`;
    starts.push(at);
    order.push(e.id);
    parts.push(part);
    at += part.length;
  }
  return { text: parts.join(""), starts, order };
}

/** The first `limit` distinct ids from the sources, taken in order. */
function firstDistinct(limit: number, ...sources: Iterable<string>[]): string[] {
  const out = new Set<string>();
  for (const source of sources) {
    for (const id of source) {
      if (out.size >= limit) return [...out];
      out.add(id);
    }
  }
  return [...out];
}

/** Owners of every occurrence of `needle` in `text`, in entry order. */
function* substring(text: string, starts: number[], order: string[], needle: string): Generator<string> {
  let last = -1;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    if (lo !== last) {
      last = lo;
      yield order[lo] as string;
    }
  }
}

const distinct = (keys: string[]): string[] => [...new Set(keys)];

/** A person's keys: every reading of the name (the stored one first), its initials, the name, the email. */
function userEntry(u: UserRecord): Entry {
  const readings = nameReadings(u.displayName, true, { pinyin: u.pinyin, initials: u.pinyinInitials });
  return {
    id: u.id,
    keys: [
      readings.map((r) => r.pinyin),
      distinct(readings.map((r) => r.initials)),
      [u.displayName.toLowerCase()],
      [u.email],
    ],
  };
}

/**
 * An in-memory index of each domain's people and departments, so that
 * prefix and substring search cost microseconds instead of a table scan.
 * Before each search it asks the store for the domain's directory version
 * (one indexed read) and applies whatever changed since, so every node of a
 * cluster answers from the same data as the database.
 */
export class DirectorySearchIndex {
  private readonly domains = new Map<string, DomainIndex>();
  private readonly refreshing = new Map<string, Promise<DomainIndex>>();

  constructor(private readonly reader: DirectoryReader) {}

  async users(domain: string, key: string, limit: number): Promise<string[]> {
    return (await this.current(domain)).matchUsers(key, limit);
  }

  async departments(domain: string, key: string, limit: number): Promise<DepartmentRecord[]> {
    return (await this.current(domain)).matchDepartments(key, limit);
  }

  /** The domain's index, brought up to the store's directory version (one refresh at a time per domain). */
  private async current(domain: string): Promise<DomainIndex> {
    const running = this.refreshing.get(domain);
    if (running) return running;
    const p = this.refresh(domain).finally(() => this.refreshing.delete(domain));
    this.refreshing.set(domain, p);
    return p;
  }

  private async refresh(domain: string): Promise<DomainIndex> {
    let index = this.domains.get(domain);
    if (!index) this.domains.set(domain, (index = new DomainIndex()));
    const target = await this.reader.directoryVersion(domain);
    if (target <= index.version) return index;
    for (let v = index.version; ; ) {
      const rows = await this.reader.changedUsers(domain, v, PAGE);
      for (const u of rows) {
        if (u.status === "active") index.users.set(u.id, userEntry(u));
        else index.users.delete(u.id);
      }
      if (rows.length < PAGE) break;
      v = (rows[rows.length - 1] as UserRecord).version;
    }
    for (let v = index.version; ; ) {
      const rows = await this.reader.changedDepartments(domain, v, PAGE);
      for (const d of rows) {
        if (d.deleted) index.departments.delete(d.id);
        else index.departments.set(d.id, d);
      }
      if (rows.length < PAGE) break;
      v = (rows[rows.length - 1] as DepartmentRecord).version;
    }
    index.version = target;
    index.invalidate();
    return index;
  }
}

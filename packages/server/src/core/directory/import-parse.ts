import type { EmploymentStatus } from "../kernel/records.js";

/** One user to import, after parsing and mapping, with the line it came from. */
export interface ImportRow {
  line: number;
  id: string;
  displayName: string;
  /** Department names from the top level down; empty: no department. */
  departmentPath: string[];
  title?: string;
  email?: string;
  phone?: string;
  status?: EmploymentStatus;
  frozen?: boolean;
  /** A password hash from another system (core/accounts/legacy-password.ts) a new user keeps. */
  legacyPasswordHash?: string;
}

export interface ParseResult {
  format: "starling" | "startalk";
  rows: ImportRow[];
  errors: { line: number; message: string }[];
}

/** Largest import file, rows included. */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 200_000;

/**
 * Reads a user list: CSV with a header row, or a JSON array of objects.
 * Two layouts are understood, told apart by their columns:
 * - starling: id, name, department ("Sales/East" path), title, email, phone, status (active|left), frozen
 * - startalk (host_users): user_id, user_name, department or dep1..dep5, email, tel, hire_flag, frozen_flag
 *   (pinyin and gender are ignored: pinyin is derived from the name).
 * A bad row is reported with its line and skipped; good rows are kept.
 */
export function parseUserList(text: string, kind: "csv" | "json"): ParseResult {
  const records: { line: number; fields: Record<string, unknown> }[] = [];
  const errors: ParseResult["errors"] = [];
  if (kind === "json") {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      return {
        format: "starling",
        rows: [],
        errors: [{ line: 0, message: `not JSON: ${(err as Error).message}` }],
      };
    }
    if (!Array.isArray(data))
      return { format: "starling", rows: [], errors: [{ line: 0, message: "expected an array" }] };
    data.forEach((item, i) => {
      if (item && typeof item === "object" && !Array.isArray(item))
        records.push({ line: i + 1, fields: item as Record<string, unknown> });
      else errors.push({ line: i + 1, message: "not an object" });
    });
  } else {
    const table = parseCsv(text);
    const header = (table[0]?.cells ?? []).map((h) => h.trim().toLowerCase());
    for (const { line, cells } of table.slice(1)) {
      if (cells.every((c) => c.trim() === "")) continue;
      records.push({ line, fields: Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])) });
    }
  }
  if (records.length > IMPORT_MAX_ROWS) {
    return {
      format: "starling",
      rows: [],
      errors: [{ line: 0, message: `more than ${IMPORT_MAX_ROWS} rows` }],
    };
  }
  const startalk = records.some((r) => "user_id" in r.fields || "hire_flag" in r.fields);
  const rows: ImportRow[] = [];
  for (const r of records) {
    try {
      rows.push(startalk ? fromStartalk(r.line, r.fields) : fromStarling(r.line, r.fields));
    } catch (err) {
      errors.push({ line: r.line, message: (err as Error).message });
    }
  }
  return { format: startalk ? "startalk" : "starling", rows, errors };
}

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v)).trim();

function flag(v: unknown, name: string): boolean | undefined {
  const s = str(v).toLowerCase();
  if (s === "") return undefined;
  if (["1", "true", "yes", "y"].includes(s)) return true;
  if (["0", "false", "no", "n"].includes(s)) return false;
  throw new Error(`${name} must be 0 or 1, not ${JSON.stringify(s.slice(0, 20))}`);
}

function path(v: unknown): string[] {
  return str(v)
    .split("/")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function required(v: unknown, name: string): string {
  const s = str(v);
  if (!s) throw new Error(`${name} is missing`);
  return s;
}

function fromStarling(line: number, f: Record<string, unknown>): ImportRow {
  const status = str(f.status).toLowerCase();
  if (status && status !== "active" && status !== "left") throw new Error("status must be active or left");
  return {
    line,
    id: required(f.id, "id"),
    displayName: str(f.name) || required(f.id, "id"),
    departmentPath: Array.isArray(f.department) ? f.department.map(str).filter(Boolean) : path(f.department),
    title: str(f.title),
    email: str(f.email),
    phone: str(f.phone),
    ...(status ? { status: status as EmploymentStatus } : {}),
    ...(flag(f.frozen, "frozen") !== undefined ? { frozen: flag(f.frozen, "frozen") } : {}),
  };
}

/** One host_users row (CSV, JSON or the table itself). */
export function fromStartalk(line: number, f: Record<string, unknown>): ImportRow {
  const deps = ["dep1", "dep2", "dep3", "dep4", "dep5"].map((k) => str(f[k])).filter(Boolean);
  const hired = flag(f.hire_flag, "hire_flag");
  const frozen = flag(f.frozen_flag, "frozen_flag");
  return {
    line,
    id: required(f.user_id, "user_id"),
    displayName: str(f.user_name) || required(f.user_id, "user_id"),
    departmentPath: deps.length > 0 ? deps : path(f.department),
    email: str(f.email),
    phone: str(f.tel),
    ...(hired !== undefined ? { status: hired ? "active" : "left" } : {}),
    ...(frozen !== undefined ? { frozen } : {}),
  };
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Lines count from 1. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      cells.push(cell);
      out.push({ line: rowLine, cells });
      cells = [];
      cell = "";
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    out.push({ line: rowLine, cells });
  }
  return out;
}

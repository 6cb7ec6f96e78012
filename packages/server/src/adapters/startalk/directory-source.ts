import pg from "pg";
import { legacyPasswordOf } from "../../core/accounts/legacy-password.js";
import { fromStartalk, IMPORT_MAX_ROWS, type ImportRow } from "../../core/directory/import-parse.js";

/** One Startalk host (host_info) and the users of host_users that belong to it. */
export interface StartalkHost {
  id: string;
  host: string;
  users: ImportRow[];
}

/** What a table gave: rows read, and the rows that cannot be imported, by their id, with why. */
export interface TableRead {
  read: number;
  skipped: { id: string; reason: string }[];
}

export interface StartalkDirectory {
  hosts: StartalkHost[];
  tables: { host_info: TableRead; host_users: TableRead };
  /** Users whose password was not a CRY: hash with its salt: they must be given one. */
  withoutPassword: number;
}

/**
 * Reads the directory of a Startalk database (doc/qtalk.sql of
 * startalkIM/ejabberd): host_info and host_users, in id order. Everything is
 * read in one READ ONLY transaction: Startalk's database is never written and
 * the rows are of one moment.
 */
export async function readStartalkDirectory(url: string): Promise<StartalkDirectory> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const hostRows = await client.query<{ id: string; host: string }>(
      "SELECT id::text AS id, host FROM host_info ORDER BY id LIMIT $1",
      [IMPORT_MAX_ROWS + 1],
    );
    const userRows = await client.query<Record<string, unknown>>(
      `SELECT id::text AS id, host_id::text AS host_id, user_id, user_name, department, tel, email,
              dep1, dep2, dep3, dep4, dep5, frozen_flag, hire_flag, password, pwd_salt
         FROM host_users ORDER BY id LIMIT $1`,
      [IMPORT_MAX_ROWS + 1],
    );
    await client.query("COMMIT");
    if (hostRows.rows.length > IMPORT_MAX_ROWS || userRows.rows.length > IMPORT_MAX_ROWS)
      throw new Error(`more than ${IMPORT_MAX_ROWS} rows in host_info or host_users`);
    const tables = {
      host_info: { read: hostRows.rows.length, skipped: [] as TableRead["skipped"] },
      host_users: { read: userRows.rows.length, skipped: [] as TableRead["skipped"] },
    };
    const hosts = new Map<string, StartalkHost>(
      hostRows.rows.map((h) => [h.id, { id: h.id, host: h.host.trim().toLowerCase(), users: [] }]),
    );
    let withoutPassword = 0;
    for (const r of userRows.rows) {
      const id = String(r.id);
      const host = hosts.get(String(r.host_id));
      if (!host) {
        tables.host_users.skipped.push({ id, reason: `host_id ${String(r.host_id)} is not in host_info` });
        continue;
      }
      try {
        // host_users.id stands for the line of an import file: refused rows are reported by it.
        const row = fromStartalk(Number(id), r);
        const legacy = legacyPasswordOf(r.password as string | null, r.pwd_salt as string | null);
        if (legacy) row.legacyPasswordHash = legacy;
        else withoutPassword++;
        host.users.push(row);
      } catch (err) {
        tables.host_users.skipped.push({ id, reason: (err as Error).message });
      }
    }
    return { hosts: [...hosts.values()], tables, withoutPassword };
  } finally {
    await client.end();
  }
}

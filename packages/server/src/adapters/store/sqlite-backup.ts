import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

/**
 * What a backup carries besides the database: TLS files, the admin key, the
 * Web Push key pair (a new one would invalidate every browser subscription) and
 * the uploaded files' contents. Blobs never change once written and are
 * written before the row that names them, so copying them after the
 * database snapshot gives every file of the snapshot its content.
 */
const KEEP = ["tls", "admin.key", "vapid.json", "files"];

/**
 * An online, consistent backup of an embedded deployment: the database
 * through SQLite's backup API (a snapshot, taken while the server keeps
 * writing), plus the TLS files, the admin key, the Web Push key pair and the files' contents,
 * into `outDir`.
 */
export async function backupDataDir(
  dataDir: string,
  outDir: string,
  onProgress?: (copiedPages: number, totalPages: number) => void,
): Promise<{ pages: number }> {
  const src = join(dataDir, "starling.db");
  if (!existsSync(src)) throw new Error(`no database at ${src}`);
  if (existsSync(join(outDir, "starling.db"))) throw new Error(`${outDir} already holds a backup`);
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const db = new Database(src, { readonly: true, fileMustExist: true });
  let pages = 0;
  try {
    await db.backup(join(outDir, "starling.db"), {
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        onProgress?.(totalPages - remainingPages, totalPages);
        return 1000;
      },
    });
  } finally {
    db.close();
  }
  for (const f of KEEP) {
    if (existsSync(join(dataDir, f))) cpSync(join(dataDir, f), join(outDir, f), { recursive: true });
  }
  return { pages };
}

/** Puts a backup in place of a data folder's database; the server must be stopped. */
export function restoreDataDir(backupDir: string, dataDir: string): void {
  const src = join(backupDir, "starling.db");
  if (!existsSync(src)) throw new Error(`no backup at ${backupDir}`);
  mkdirSync(dataDir, { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(join(dataDir, `starling.db${suffix}`), { force: true });
  copyFileSync(src, join(dataDir, "starling.db"));
  for (const f of KEEP) {
    if (existsSync(join(backupDir, f))) cpSync(join(backupDir, f), join(dataDir, f), { recursive: true });
  }
}

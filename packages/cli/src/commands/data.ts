import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  type BlobStore,
  backupDataDir,
  compareStores,
  copyBlobs,
  copyStore,
  LocalBlobStore,
  openPostgresStore,
  openSqliteStore,
  PgBlobStore,
  type RuntimeInfo,
  restoreDataDir,
  runtimeFile,
} from "@starling/server";
import type { Command } from "commander";
import { configFrom } from "../config-flags.js";
import { progress } from "../progress.js";
import { migrateFromStartalk } from "./migrate-startalk.js";

interface MigrateOpts {
  from: string;
  to?: string;
  dataDir: string;
  dryRun?: boolean;
  fromBlobDir?: string;
  toBlobDir?: string;
}

/** Whether a server is answering for this data folder. */
async function serverRunning(dataDir: string): Promise<boolean> {
  const f = runtimeFile(dataDir);
  if (!existsSync(f)) return false;
  const info = JSON.parse(readFileSync(f, "utf8")) as RuntimeInfo;
  try {
    await fetch(`http://${info.httpHost}:${info.httpPort}/healthz`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a server may be writing this data folder: one answers for it, or
 * the process its runtime file names is alive (a server that is starting,
 * stopping or hung answers nothing but may still write). A runtime file left
 * by a crash names a process that is gone.
 */
async function serverMayBeWriting(dataDir: string): Promise<boolean> {
  if (await serverRunning(dataDir)) return true;
  const f = runtimeFile(dataDir);
  if (!existsSync(f)) return false;
  const { pid } = JSON.parse(readFileSync(f, "utf8")) as RuntimeInfo;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** sqlite:FILE or sqlite:DATA-FOLDER -> the database file. */
function sqlitePath(url: string): string {
  const p = resolve(url.replace(/^sqlite:/, ""));
  return existsSync(p) && statSync(p).isDirectory() ? join(p, "starling.db") : p;
}

export function registerDataCommands(program: Command): void {
  program
    .command("backup")
    .description("make an online, consistent backup of an embedded (SQLite) deployment")
    .requiredOption("--out <dir>", "a new folder for the backup")
    .option("--data-dir <dir>", "the data folder", "./data")
    .action(async (opts: { out: string; dataDir: string }) => {
      const shown = progress(`backing up ${opts.dataDir}`);
      const r = await backupDataDir(resolve(opts.dataDir), resolve(opts.out), (done, total) =>
        shown.update(`${done} of ${total} pages`),
      ).finally(() => shown.done());
      process.stdout.write(`backup of ${opts.dataDir} written to ${opts.out} (${r.pages} pages)\n`);
    });

  program
    .command("restore")
    .description("put a backup in place of a data folder's database (the server must be stopped)")
    .requiredOption("--from <dir>", "a folder made by `starling backup`")
    .option("--data-dir <dir>", "the data folder", "./data")
    .action(async (opts: { from: string; dataDir: string }) => {
      const dataDir = resolve(opts.dataDir);
      if (await serverRunning(dataDir))
        throw new Error("a server is running on this data folder; stop it first");
      restoreDataDir(resolve(opts.from), dataDir);
      process.stdout.write(`restored ${opts.from} into ${opts.dataDir}\n`);
    });

  program
    .command("migrate")
    .description(
      "copy an embedded deployment to PostgreSQL, every message, cursor, seq and file, and verify the copy; or bring a Startalk deployment over",
    )
    .requiredOption(
      "--from <url>",
      "sqlite:./data (a data folder) or sqlite:FILE; or startalk:postgres://user@host/db (read, never written)",
    )
    .option(
      "--to <url>",
      "postgres://user@host:port/database (empty); from Startalk also sqlite:PATH (default: the data folder's database)",
    )
    .option("--data-dir <dir>", "the data folder (from Startalk)", "./data")
    .option("--dry-run", "from Startalk: read and report, change nothing")
    .option("--from-blob-dir <dir>", "the source's file contents (default: files/ beside the database)")
    .option(
      "--to-blob-dir <dir>",
      "put the file contents in this folder (a mount every node shares; set files.blobStore=folder and files.blobDir) instead of the database",
    )
    .action(async (opts: MigrateOpts) => {
      if (opts.from.startsWith("startalk:")) {
        const url = opts.from.slice("startalk:".length);
        if (!/^postgres(ql)?:\/\//.test(url)) throw new Error("--from startalk: needs a postgres:// URL");
        if (opts.to !== undefined && !/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(opts.to))
          throw new Error("--to must be sqlite:PATH or a postgres:// URL");
        if (!opts.to?.startsWith("postgres") && (await serverMayBeWriting(resolve(opts.dataDir))))
          throw new Error(`a server is running on ${opts.dataDir}; stop it first`);
        const config = configFrom({ dataDir: opts.dataDir, ...(opts.to ? { db: opts.to } : {}) });
        const complete = await migrateFromStartalk(url, config, opts.dryRun === true);
        if (!complete) process.exitCode = 3;
        return;
      }
      const toUrl = opts.to;
      if (toUrl === undefined) throw new Error("--to is required");
      if (!opts.from.startsWith("sqlite:"))
        throw new Error("--from must be sqlite:PATH or startalk:postgres://...");
      if (!/^postgres(ql)?:\/\//.test(toUrl)) throw new Error("--to must be a postgres:// URL");
      const dbFile = sqlitePath(opts.from);
      // A server writing the source while it is read would give a copy of no single moment.
      if (await serverMayBeWriting(dirname(dbFile)))
        throw new Error(
          `a server is running on ${dirname(dbFile)}; stop it first, or migrate from a backup (starling backup --out DIR, then --from sqlite:DIR)`,
        );
      const from = await openSqliteStore({ path: dbFile });
      const to = await openPostgresStore({ url: toUrl });
      const fromBlobs = new LocalBlobStore(resolve(opts.fromBlobDir ?? join(dirname(dbFile), "files")));
      const toBlobs: BlobStore = opts.toBlobDir
        ? new LocalBlobStore(resolve(opts.toBlobDir))
        : await PgBlobStore.open({ url: toUrl });
      try {
        // Contents first: should the copy stop halfway, the rows that would name them are not there yet.
        const blobs = await copyBlobs(from, fromBlobs, toBlobs);
        for (const sha of blobs.missing)
          process.stderr.write(`warning: content ${sha} is missing from the source; its file stays 404\n`);
        process.stdout.write(
          `files: ${blobs.copied} copied, ${blobs.present} already there, ${blobs.missing.length} missing in the source; verified by SHA-256 (${opts.toBlobDir ? `folder ${opts.toBlobDir}` : "in the database"})\n`,
        );
        const shown = progress("migrating");
        const report = await copyStore(from, to, (table, rows) =>
          shown.update(`${table}: ${rows} rows`),
        ).finally(() => shown.done());
        for (const [t, n] of Object.entries(report.rows)) process.stdout.write(`${t}: ${n} rows\n`);
        shown.update("verifying the copy", true);
        const problems = await compareStores(from, to).finally(() => shown.done());
        if (problems.length > 0) throw new Error(`the copy differs:\n  ${problems.join("\n  ")}`);
        process.stdout.write("verified: both databases hold the same rows, cursors and seqs\n");
      } finally {
        await from.close();
        await to.close();
        await toBlobs.close?.();
      }
    });
}

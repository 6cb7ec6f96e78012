import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  backupDataDir,
  compareStores,
  copyStore,
  openPostgresStore,
  openSqliteStore,
  type RuntimeInfo,
  restoreDataDir,
  runtimeFile,
} from "@starling/server";
import type { Command } from "commander";

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
      const r = await backupDataDir(resolve(opts.dataDir), resolve(opts.out));
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
      "copy an embedded deployment to PostgreSQL, every message, cursor and seq, and verify the copy",
    )
    .requiredOption("--from <url>", "sqlite:./data (a data folder) or sqlite:FILE")
    .requiredOption("--to <url>", "postgres://user@host:port/database (empty)")
    .action(async (opts: { from: string; to: string }) => {
      if (!opts.from.startsWith("sqlite:")) throw new Error("--from must be sqlite:PATH");
      if (!/^postgres(ql)?:\/\//.test(opts.to)) throw new Error("--to must be a postgres:// URL");
      const from = await openSqliteStore({ path: sqlitePath(opts.from) });
      const to = await openPostgresStore({ url: opts.to });
      try {
        const report = await copyStore(from, to);
        for (const [t, n] of Object.entries(report.rows)) process.stdout.write(`${t}: ${n} rows\n`);
        const problems = await compareStores(from, to);
        if (problems.length > 0) throw new Error(`the copy differs:\n  ${problems.join("\n  ")}`);
        process.stdout.write("verified: both databases hold the same rows, cursors and seqs\n");
      } finally {
        await from.close();
        await to.close();
      }
    });
}

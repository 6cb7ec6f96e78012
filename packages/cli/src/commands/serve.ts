import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runtimeFile, type StarlingConfig, startServer } from "@starling/server";
import type { Command } from "commander";
import { addConfigFlags, configFrom } from "../config-flags.js";
import type { StopSignal, StopSignals } from "../stop-signals.mjs";
import { serveBanner } from "./serve-banner.js";

export function registerServe(program: Command, signals: StopSignals): void {
  addConfigFlags(program.command("serve").description("run the server (SQLite in ./data by default)")).action(
    async (opts: Record<string, unknown>) => {
      const config = configFrom(opts);
      let stopSignal: StopSignal | undefined;
      let wake: () => void = () => {};
      const stopRequested = new Promise<void>((r) => {
        wake = r;
      });
      signals.claim((signal) => {
        if (stopSignal) return;
        stopSignal = signal;
        process.stderr.write(`${signal}: shutting down\n`);
        boundShutdown(config);
        wake();
      });
      // Asked to stop before anything was opened: there is nothing to undo.
      if (stopSignal) process.exit(0);
      // A signal during start-up waits for it to end (the store open, its migrations), then shuts down.
      const server = await startServer(config);
      // Shown even when stopping: a first administrator's password is printed only this once.
      const { firstAdmin } = server;
      const onTerminal = process.stdout.isTTY === true;
      process.stdout.write(
        serveBanner(config, {
          tcpPort: server.tcpPort,
          httpPort: server.httpPort,
          xmppPort: server.xmppPort,
          federationPort: server.federationPort,
          tlsFingerprint: server.tlsFingerprint,
          ...(firstAdmin && onTerminal ? { firstAdmin } : {}),
        }),
      );
      if (firstAdmin && !onTerminal) process.stdout.write(saveFirstAdmin(firstAdmin, config.dataDir));
      await stopRequested;
      server.close().then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
    },
  );
}

/**
 * Whatever hangs (a database that does not answer), the process ends within
 * shutdown.timeoutMs of the signal, and leaves no runtime file that would
 * make local tools look for a server that is gone.
 */
function boundShutdown(config: StarlingConfig): void {
  setTimeout(() => {
    process.stderr.write(`shutdown did not finish within ${config.shutdown.timeoutMs} ms; exiting\n`);
    const file = runtimeFile(resolve(config.dataDir));
    try {
      if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).pid === process.pid) rmSync(file);
    } catch {}
    process.exit(1);
  }, config.shutdown.timeoutMs);
}

/** Name of the file, in the data folder, that holds the first administrator's password when no one is watching. */
export const FIRST_ADMIN_FILE = "first-admin-password";

/**
 * The first administrator's one-time password goes to a person, never into logs: on a terminal the
 * banner prints it; otherwise (systemd, a container, `> server.log`) stdout is where the JSON logs go
 * and get collected, so the password is written to a file only its owner can read. Returns what
 * stdout says instead.
 */
function saveFirstAdmin(admin: { id: string; password: string }, dataDir: string): string {
  const file = resolve(join(dataDir, FIRST_ADMIN_FILE));
  // A new file, so the mode is the one given here and not that of an old file left behind.
  rmSync(file, { force: true });
  writeFileSync(file, `user: ${admin.id}\npassword: ${admin.password}\n`, { mode: 0o600, flag: "wx" });
  return `  First administrator ${admin.id} created; the password is in ${file} (readable by this user only).\n  Log in, change it with \`starling user passwd\`, then delete the file.\n\n`;
}

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createNodeClient, type StarlingClient } from "@starling/sdk/node";
import type { RuntimeInfo } from "@starling/server";
import type { Command } from "commander";
import { loadSession, saveSession } from "./saved-session.js";

export interface ClientFlags {
  server?: string[];
  user?: string;
  password?: string;
  dataDir?: string;
  ca?: string;
  insecure?: boolean;
}

/** Options shared by the client commands (login, send, history, chat). */
export function addClientFlags(cmd: Command): Command {
  return cmd
    .option(
      "-s, --server <url...>",
      "server endpoints, tried in a random order weighted by health (tls://host:5202, ws://host:8080/ws)",
    )
    .option("-u, --user <id>", "log in as this user (default: the saved session)")
    .option("-p, --password <password>", "password (or STARLING_PASSWORD)")
    .option("--data-dir <dir>", "a local server's data folder, to find its port and certificate", "./data")
    .option("--ca <file>", "trust this PEM certificate (default: <data-dir>/tls/cert.pem when present)")
    .option("--insecure", "do not verify the server's TLS certificate");
}

/** The local server's endpoint from its runtime file, or the default port on this machine. */
function defaultEndpoint(dataDir: string): string {
  const f = join(resolve(dataDir), "server.json");
  if (existsSync(f)) {
    const info = JSON.parse(readFileSync(f, "utf8")) as RuntimeInfo;
    return `${info.tls ? "tls" : "tcp"}://127.0.0.1:${info.tcpPort}`;
  }
  return "tls://127.0.0.1:5202";
}

export interface ConnectOptions {
  save?: boolean;
  /**
   * The new password of an account that must change its initial one (given
   * the user id); without it such a login is an error telling what to do.
   */
  newPassword?: (userId: string) => Promise<string>;
}

/**
 * A connected client: with --user and a password, or the session saved by
 * `starling login`. Password logins save their token for the next command.
 */
export async function connectClient(flags: ClientFlags, opts: ConnectOptions = {}): Promise<StarlingClient> {
  const dataDir = flags.dataDir ?? "./data";
  const saved = loadSession();
  const password = flags.password ?? process.env.STARLING_PASSWORD;
  const useSaved = !flags.server && saved !== undefined && !flags.user;
  const endpoints = flags.server ?? (useSaved ? [saved.endpoint] : [defaultEndpoint(dataDir)]);
  const caFile = flags.ca ?? join(resolve(dataDir), "tls", "cert.pem");
  // A session saved from an invite keeps the certificate the invite named.
  const pinned = useSaved && !flags.ca ? saved.pinSha256 : undefined;
  const tls = flags.insecure
    ? { rejectUnauthorized: false }
    : pinned
      ? { pinSha256: pinned }
      : existsSync(caFile)
        ? { ca: readFileSync(caFile, "utf8"), servername: "localhost" }
        : {};
  let auth: { userId: string; password: string } | { token: string };
  if (flags.user && password) auth = { userId: flags.user, password };
  else if (saved && (!flags.user || saved.userId.startsWith(`${flags.user}@`) || saved.userId === flags.user))
    auth = { token: saved.token };
  else throw new Error("not logged in: run `starling login --user NAME` or give --user and --password");
  const client = createNodeClient({
    endpoints,
    auth,
    tls,
    device: { platform: "cli", deviceId: "starling-cli" },
  });
  const welcome = await client.connect();
  if (welcome.mustChangePassword) {
    try {
      if (!opts.newPassword || !("password" in auth))
        throw new Error(
          `${welcome.userId} must choose a new password first: run \`starling login --user ${flags.user ?? welcome.userId}\` (on a terminal, or with --new-password)`,
        );
      await client.changePassword(auth.password, await opts.newPassword(welcome.userId));
    } catch (err) {
      await client.close();
      throw err;
    }
  }
  if (opts.save !== false && "password" in auth && client.token) {
    saveSession({
      endpoint: endpoints[0] as string,
      userId: welcome.userId,
      token: client.token,
      ...(pinned ? { pinSha256: pinned } : {}),
    });
  }
  return client;
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** A session token saved by `starling login`, so later commands need no password. */
export interface SavedSession {
  endpoint: string;
  userId: string;
  token: string;
  /** SHA-256 of the server's certificate from the invite, checked on every later connection. */
  pinSha256?: string;
}

export function sessionFile(): string {
  return join(process.env.STARLING_HOME ?? join(homedir(), ".starling"), "session.json");
}

export function loadSession(): SavedSession | undefined {
  const f = sessionFile();
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, "utf8")) as SavedSession;
  } catch {
    return undefined;
  }
}

export function saveSession(s: SavedSession): void {
  const f = sessionFile();
  mkdirSync(dirname(f), { recursive: true, mode: 0o700 });
  writeFileSync(f, JSON.stringify(s, null, 2), { mode: 0o600 });
}

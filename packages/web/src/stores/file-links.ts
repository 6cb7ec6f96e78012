import type { Session } from "./session.js";

/** A link is fetched again when it has less than this left. */
const RENEW_BEFORE_MS = 60_000;

export type FileVariant = "content" | "thumbnail";

/**
 * Signed links to files' contents and thumbnails for <img src> or a
 * download, fetched with the session token once and reused until shortly
 * before they expire; forgotten on signing out.
 */
export class FileLinks {
  private readonly links = new Map<string, { path: string; expiresAt: number }>();

  constructor(
    private readonly session: Session,
    private readonly apiBase: string,
    private readonly now: () => number,
  ) {}

  async link(fileId: string, variant: FileVariant): Promise<string> {
    const token = this.session.token;
    if (!token) throw new Error("signed out");
    const key = `${fileId}/${variant}`;
    const known = this.links.get(key);
    if (known && known.expiresAt - this.now() > RENEW_BEFORE_MS) return known.path;
    const r = await fetch(`${this.apiBase}/api/v1/files/${encodeURIComponent(fileId)}/link`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ variant }),
    });
    if (!r.ok) throw new Error(`no access to the file (${r.status})`);
    const link = (await r.json()) as { path: string; expiresAt: number };
    this.links.set(key, link);
    return link.path;
  }

  reset(): void {
    this.links.clear();
  }
}

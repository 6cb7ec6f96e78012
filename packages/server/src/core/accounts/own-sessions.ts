import { create, type SessionList, SessionListSchema } from "@starling/protocol";
import { invalid, notFound } from "../kernel/errors.js";
import type { Bus, Clock, Random } from "../kernel/ports.js";
import type { SessionRecord } from "../kernel/records.js";
import type { AccountsStore } from "./store.js";

/** A session id as clients see it: printable and short, for a URL path. */
const SESSION_ID = /^[0-9a-f]{24}$/;

/**
 * A user's own login sessions: the list a settings page shows (platform, client, device, when
 * made and last used, which one is the caller's) and ending one of them or all but the current
 * one. A user sees and ends only their own; an administrator's forced logout is `Admin`'s.
 *
 * A session is named by a digest of its token hash rather than the hash itself: the hash is
 * the database key that resumes a login, and a list of sessions should hand out nothing that
 * is one step from it.
 */
export class OwnSessions {
  constructor(
    private readonly store: AccountsStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** The public id of the session whose token hash is `tokenHash`. */
  idOf(tokenHash: string): string {
    return this.random.sha256(`session:${tokenHash}`).slice(0, 24);
  }

  /** The user's live sessions, most recently used first; `current` is the caller's token hash. */
  async list(userId: string, currentTokenHash: string): Promise<SessionList> {
    const rows = await this.store.read.listSessionsOfUser(userId, this.clock.now());
    rows.sort((a, b) => b.lastActiveAt - a.lastActiveAt || b.createdAt - a.createdAt);
    return create(SessionListSchema, {
      sessions: rows.map((s) => ({
        id: this.idOf(s.tokenHash),
        platform: s.platform,
        client: s.client,
        deviceId: s.deviceId,
        createdAt: BigInt(s.createdAt),
        lastActiveAt: BigInt(s.lastActiveAt),
        expiresAt: BigInt(s.expiresAt),
        current: s.tokenHash === currentTokenHash,
      })),
    });
  }

  /**
   * Ends one of the user's sessions: its token stops working and its connections close on every
   * node with LOGGED_OUT, as an administrator's forced logout closes them. Another user's session
   * id is NOT_FOUND, the same as one that does not exist.
   */
  async revoke(userId: string, sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId)) throw invalid("not a session id", "session_id");
    const target = await this.find(userId, sessionId);
    if (!target) throw notFound("no such session");
    await this.store.transaction((tx) => tx.deleteSession(target.tokenHash));
    this.bus.kick([userId], "logged_out", undefined, target.tokenHash);
  }

  /** Ends every session of the user but the caller's; returns how many ended. */
  async revokeOthers(userId: string, currentTokenHash: string): Promise<number> {
    const n = await this.store.transaction((tx) => tx.deleteSessionsOfUser(userId, currentTokenHash));
    this.bus.kick([userId], "logged_out", currentTokenHash);
    return n;
  }

  private async find(userId: string, sessionId: string): Promise<SessionRecord | undefined> {
    // A user has a handful of sessions: matching the digest over them needs no index of its own.
    const rows = await this.store.read.listSessionsOfUser(userId, this.clock.now());
    return rows.find((s) => this.idOf(s.tokenHash) === sessionId);
  }
}

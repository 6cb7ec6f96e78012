import { randomBytes } from "node:crypto";
import { CloseCode } from "@starling/protocol";
import type { Core } from "../../core/core.js";
import type { BusReceiver, Clock, KickReason, Logger } from "../../core/kernel/ports.js";
import { pushFrame } from "../../core/messaging/push.js";
import type { Connection } from "./connection.js";
import type { GatewayConfig } from "./gateway-config.js";
import { Session, type SessionHost } from "./session.js";

/** The label of this door's pushes in the metrics. */
const DOOR = { door: "native" };

/** Logins checked at once after a bus outage. */
const RECHECK_PARALLEL = 4;

/**
 * The sessions of this node, by user. Receives bus traffic and writes each
 * push to the right sessions; drops connections that stopped heartbeating.
 */
export class SessionHub implements SessionHost, BusReceiver {
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly all = new Set<Session>();
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;

  constructor(
    readonly core: Core,
    readonly clock: Clock,
    readonly log: Logger,
    readonly config: GatewayConfig,
  ) {
    const every = Math.max(250, Math.min(config.heartbeatIntervalMs, config.helloTimeoutMs) / 2);
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  /** A transport accepted a connection. */
  open(conn: Connection): Session | undefined {
    if (this.closing) {
      conn.close(CloseCode.SERVER_SHUTDOWN, "server is shutting down");
      return undefined;
    }
    if (conn.ticket.refusal) {
      // The limiter has logged it.
      conn.close(CloseCode.TOO_MANY_CONNECTIONS, conn.ticket.refusal);
      return undefined;
    }
    const s = new Session(conn, this);
    this.all.add(s);
    return s;
  }

  /** The transport saw the connection end. */
  closed(session: Session): void {
    session.onClosed();
    this.all.delete(session);
  }

  newSessionId(): string {
    return randomBytes(9).toString("base64url");
  }

  register(session: Session): void {
    let set = this.byUser.get(session.userId);
    if (!set) this.byUser.set(session.userId, (set = new Set()));
    set.add(session);
  }

  unregister(session: Session): void {
    const set = this.byUser.get(session.userId);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.byUser.delete(session.userId);
  }

  deliver(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void {
    let delivered = 0;
    for (const u of userIds) {
      const set = this.byUser.get(u);
      if (!set) continue;
      for (const s of set) {
        if (s.id === exceptSession) continue;
        s.push(frame);
        delivered++;
      }
    }
    this.core.metrics.inc("starling_deliveries_total", DOOR, delivered);
  }

  deliverDomain(domain: string, frame: Uint8Array): void {
    const suffix = `@${domain}`;
    let delivered = 0;
    for (const [userId, set] of this.byUser) {
      if (!userId.endsWith(suffix)) continue;
      for (const s of set) {
        s.push(frame);
        delivered++;
      }
    }
    this.core.metrics.inc("starling_deliveries_total", DOOR, delivered);
  }

  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void {
    const code = reason === "disabled" ? CloseCode.ACCOUNT_DISABLED : CloseCode.LOGGED_OUT;
    for (const u of userIds) {
      for (const s of [...(this.byUser.get(u) ?? [])]) {
        if (keepToken !== undefined && s.tokenHash === keepToken) continue;
        if (onlyToken !== undefined && s.tokenHash !== onlyToken) continue;
        s.close(code, reason === "disabled" ? "account disabled" : "signed out");
      }
    }
  }

  /**
   * Pushes between nodes may have been lost: every session is told to sync,
   * and every login is checked again, since a kick (password reset, frozen
   * account) from another node may have been among what was lost.
   */
  /** Addressed frames are for other doors' sessions (XMPP resources); native sessions have none. */
  deliverTo(): void {}

  resync(): void {
    const hint = pushFrame({ case: "syncHint", value: {} });
    const byLogin = new Map<string, Session[]>();
    for (const s of this.all) {
      if (!s.isReady) continue;
      s.push(hint);
      const list = byLogin.get(s.tokenHash);
      if (list) list.push(s);
      else byLogin.set(s.tokenHash, [s]);
    }
    void this.recheck([...byLogin]);
  }

  /** Authenticated sessions, for rebalancing. */
  readySessions(): Session[] {
    return [...this.all].filter((s) => s.isReady);
  }

  get sessionCount(): number {
    return this.all.size;
  }

  get onlineUsers(): number {
    return this.byUser.size;
  }

  /** Closes every connection with SERVER_SHUTDOWN, so clients reconnect elsewhere or later. */
  shutdown(): void {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const s of [...this.all]) s.close(CloseCode.SERVER_SHUTDOWN, "server is shutting down");
  }

  private async recheck(logins: [string, Session[]][]): Promise<void> {
    // A few at a time: a whole node's logins at once would crowd out the store.
    const worker = async () => {
      for (let next = logins.pop(); next; next = logins.pop()) {
        const [hash, sessions] = next;
        let why: KickReason | undefined;
        try {
          why = await this.core.accounts.standing(hash);
        } catch (err) {
          this.log.warn({ err }, "could not recheck a login after a bus outage");
          continue;
        }
        if (!why) continue;
        const code = why === "disabled" ? CloseCode.ACCOUNT_DISABLED : CloseCode.LOGGED_OUT;
        for (const s of sessions) s.close(code, why === "disabled" ? "account disabled" : "signed out");
      }
    };
    await Promise.all(Array.from({ length: RECHECK_PARALLEL }, worker));
  }

  private sweep(): void {
    const now = this.clock.now();
    const idleLimit = this.config.heartbeatIntervalMs * this.config.heartbeatMisses;
    for (const s of this.all) {
      if (s.isClosed) {
        this.all.delete(s);
        continue;
      }
      const silent = now - s.lastActivity;
      if (!s.isReady) {
        if (now - s.openedAt > this.config.helloTimeoutMs) {
          this.core.connections.timedOut("login", s.conn.remoteAddress, `native-${s.conn.transport}`);
          s.close(CloseCode.HANDSHAKE_TIMEOUT, "not logged in in time");
        }
      } else if (silent > idleLimit) s.close(CloseCode.HEARTBEAT_TIMEOUT, "heartbeat missed");
    }
  }
}

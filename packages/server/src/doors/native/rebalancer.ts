import { CloseCode } from "@starling/protocol";
import type { Clock, Logger, PresenceDirectory } from "../../core/kernel/ports.js";
import type { Session } from "./session.js";

export interface RebalanceOptions {
  /** How often to compare loads and maybe move clients. */
  intervalMs: number;
  /** How far above its fair share, in percent, a node must be before it moves anyone. */
  tolerancePercent: number;
  /** Most clients asked to move per interval. */
  batch: number;
  /**
   * How long another node's count may lag behind (its report, then its
   * heartbeat): clients moved this recently are counted as elsewhere.
   */
  staleMs: number;
}

/** The sessions a rebalancer may ask to leave. */
export interface SessionSource {
  /** Authenticated native sessions of this node. */
  readySessions(): Session[];
}

/** How often this node's count is handed to the directory (carried by its next heartbeat). */
const REPORT_MS = 1000;
/** A login asked to move is not asked again for this many intervals (10 minutes by default). */
const REMEMBER_INTERVALS = 60;

/**
 * Spreads clients back over a cluster's nodes. After failovers devices pile
 * onto the nodes that stayed up and, since a client keeps a working
 * connection, they would stay there. Each node learns every node's session
 * count from the presence heartbeats; a node well above its fair share asks
 * a few clients per interval to reconnect elsewhere (CLOSE_CODE_MOVE_ELSEWHERE),
 * until it is back at its share. Nothing is lost by moving: unacknowledged
 * sends are resent with the same client_msg_id, and the new connection
 * syncs from the client's cursor.
 */
export class Rebalancer {
  private readonly timer: NodeJS.Timeout;
  private lastMove: number;
  /** Above the tolerance once: keep moving until at the fair share (hysteresis). */
  private draining = false;
  /** Clients asked to move, that the other nodes' counts may not show yet. */
  private recent: { at: number; n: number }[] = [];
  /**
   * Logins asked to move, and when. A client with a single endpoint comes
   * straight back; it is not asked again for a long while.
   */
  private readonly asked = new Map<string, number>();

  constructor(
    private readonly sessions: SessionSource,
    private readonly directory: Required<Pick<PresenceDirectory, "reportLoad" | "loads">>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: RebalanceOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.lastMove = clock.now();
    this.timer = setInterval(() => this.tick(), Math.min(REPORT_MS, opts.intervalMs));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reports this node's load and, once per interval, moves clients if it carries too many. */
  tick(): void {
    const ready = this.sessions.readySessions();
    this.directory.reportLoad(ready.length);
    const now = this.clock.now();
    if (now - this.lastMove < this.opts.intervalMs) return;
    this.lastMove = now;
    const n = this.toMove(ready.length, now);
    if (n === 0) return;
    const forget = now - REMEMBER_INTERVALS * this.opts.intervalMs;
    for (const [login, at] of this.asked) if (at < forget) this.asked.delete(login);
    // Only sessions older than an interval, and not asked before: one that
    // just arrived, or came back, is not sent off again.
    const candidates = ready.filter(
      (s) => now - s.openedAt >= this.opts.intervalMs && !this.asked.has(s.tokenHash),
    );
    const moved = this.pick(candidates, n);
    for (const s of moved) {
      this.asked.set(s.tokenHash, now);
      s.close(CloseCode.MOVE_ELSEWHERE, "this node carries more than its share");
    }
    if (moved.length > 0) this.recent.push({ at: now, n: moved.length });
    if (moved.length > 0)
      this.log.info(
        { moved: moved.length, sessions: ready.length, loads: Object.fromEntries(this.directory.loads()) },
        "asked clients to move to other nodes",
      );
  }

  /** How many sessions to move now, from every node's count. */
  private toMove(local: number, now: number): number {
    const loads = this.directory.loads();
    if (loads.size < 2) {
      this.draining = false;
      return 0;
    }
    this.recent = this.recent.filter((r) => now - r.at < this.opts.staleMs);
    // Counting the recently moved twice errs towards moving fewer, never more.
    let total = 0;
    for (const n of loads.values()) total += n;
    for (const r of this.recent) total += r.n;
    const fair = total / loads.size;
    const target = Math.ceil(fair);
    if (local > fair * (1 + this.opts.tolerancePercent / 100)) this.draining = true;
    if (!this.draining || local <= target) {
      this.draining = false;
      return 0;
    }
    return Math.min(this.opts.batch, local - target);
  }

  /** `n` of them at random (a partial Fisher-Yates shuffle). */
  private pick(from: Session[], n: number): Session[] {
    const a = [...from];
    const k = Math.min(n, a.length);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.random() * (a.length - i));
      [a[i], a[j]] = [a[j] as Session, a[i] as Session];
    }
    return a.slice(0, k);
  }
}

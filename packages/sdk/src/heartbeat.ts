import type { Timers } from "./timers.js";

export interface HeartbeatOptions {
  /** Welcome.heartbeat_interval_ms. */
  intervalMs: number;
  sendPing(): void;
  /** No frame at all arrived for two intervals. */
  onDead(): void;
  timers: Timers;
}

/**
 * Keeps the server from closing an idle connection and notices a dead link.
 * The server drops a connection silent for three intervals, so pings go out
 * a little more often than once per interval to absorb timer drift. The
 * link counts as dead when nothing at all (pong, push, response) arrived for
 * two intervals: a silent drop (packets black-holed, no FIN or RST) is then
 * noticed within two intervals of the last frame, not after TCP's own
 * retransmission timeout. The deadline is measured from the last frame, so
 * a frame only records a time; the one dead timer re-arms itself when it
 * fires early, instead of being replaced on every frame.
 */
export class Heartbeat {
  private readonly intervalMs: number;
  private readonly opts: HeartbeatOptions;
  private pingTimer: unknown = null;
  private deadTimer: unknown = null;
  private lastFrameAt = 0;
  private running = false;

  constructor(opts: HeartbeatOptions) {
    this.opts = opts;
    this.intervalMs = Math.max(1, opts.intervalMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // The Welcome that started it is the first frame.
    this.lastFrameAt = this.opts.timers.now();
    this.schedulePing();
    this.scheduleDeadCheck();
  }

  stop(): void {
    this.running = false;
    this.clear("pingTimer");
    this.clear("deadTimer");
  }

  /** Any frame from the server proves the link is alive. */
  received(): void {
    this.lastFrameAt = this.opts.timers.now();
  }

  private schedulePing(): void {
    this.pingTimer = this.opts.timers.setTimeout(
      () => {
        this.pingTimer = null;
        if (!this.running) return;
        this.opts.sendPing();
        this.schedulePing();
      },
      Math.max(1, Math.floor(this.intervalMs * 0.8)),
    );
  }

  private scheduleDeadCheck(): void {
    const deadline = this.lastFrameAt + 2 * this.intervalMs;
    this.deadTimer = this.opts.timers.setTimeout(
      () => {
        this.deadTimer = null;
        if (!this.running) return;
        if (this.opts.timers.now() - this.lastFrameAt >= 2 * this.intervalMs) {
          this.stop();
          this.opts.onDead();
        } else {
          this.scheduleDeadCheck();
        }
      },
      Math.max(1, deadline - this.opts.timers.now()),
    );
  }

  private clear(which: "pingTimer" | "deadTimer"): void {
    if (this[which] !== null) {
      this.opts.timers.clearTimeout(this[which]);
      this[which] = null;
    }
  }
}

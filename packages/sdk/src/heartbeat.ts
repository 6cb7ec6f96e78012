import type { Timers } from "./timers.js";

export interface HeartbeatOptions {
  /** Welcome.heartbeat_interval_ms. */
  intervalMs: number;
  sendPing(): void;
  /** No frame at all arrived for two intervals after a ping. */
  onDead(): void;
  timers: Timers;
}

/**
 * Keeps the server from closing an idle connection and notices a dead link.
 * The server drops a connection silent for three intervals, so pings go out
 * a little more often than once per interval to absorb timer drift; the
 * link counts as dead when nothing at all (not just the pong) came back for
 * two intervals after a ping.
 */
export class Heartbeat {
  private readonly intervalMs: number;
  private readonly opts: HeartbeatOptions;
  private pingTimer: unknown = null;
  private deadTimer: unknown = null;
  private running = false;

  constructor(opts: HeartbeatOptions) {
    this.opts = opts;
    this.intervalMs = Math.max(1, opts.intervalMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePing();
  }

  stop(): void {
    this.running = false;
    this.clear("pingTimer");
    this.clear("deadTimer");
  }

  /** Any frame from the server proves the link is alive. */
  received(): void {
    this.clear("deadTimer");
  }

  private schedulePing(): void {
    this.pingTimer = this.opts.timers.setTimeout(
      () => {
        this.pingTimer = null;
        if (!this.running) return;
        if (this.deadTimer === null) {
          this.deadTimer = this.opts.timers.setTimeout(() => {
            this.deadTimer = null;
            if (this.running) this.opts.onDead();
          }, 2 * this.intervalMs);
        }
        this.opts.sendPing();
        this.schedulePing();
      },
      Math.max(1, Math.floor(this.intervalMs * 0.8)),
    );
  }

  private clear(which: "pingTimer" | "deadTimer"): void {
    if (this[which] !== null) {
      this.opts.timers.clearTimeout(this[which]);
      this[which] = null;
    }
  }
}

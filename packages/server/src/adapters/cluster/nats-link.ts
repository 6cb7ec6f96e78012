import type { NatsConnection } from "@nats-io/transport-node";
import type { Metrics } from "../../core/kernel/metrics.js";
import type { Logger } from "../../core/kernel/ports.js";

export interface NatsLinkOptions {
  servers: string[];
  /** The connection's name, as NATS monitoring shows it. */
  name: string;
  /** Longest wait between two attempts at the first connection. */
  maxRetryMs?: number;
  /** Where disconnects and dropped publishes are counted. */
  metrics?: Metrics;
}

/** What a listener learns when the link comes up. */
export interface LinkUp {
  /** The link was down (or never up) while this node was serving. */
  afterOutage: boolean;
}

type Handler = (data: Uint8Array) => void;

/**
 * This node's connection to NATS, which may come and go. Start-up never
 * waits for it: the first connection is retried in the background for as
 * long as it takes, and after that the client reconnects by itself. While
 * the link is down, publishing drops the message at once (it never blocks
 * or throws) and the node serves its own sessions; listeners learn when it
 * is back so they can repair what was missed.
 */
export class NatsLink {
  private nc: NatsConnection | undefined;
  private up = false;
  private closed = false;
  /** When the current outage began (0: up, or up once and not since). */
  private downSince = 0;
  private outage = false;
  private lastError = "";
  private dropped = 0;
  private readonly handlers: { subject: string; fn: Handler }[] = [];
  private readonly upListeners: ((info: LinkUp) => void)[] = [];
  private retry: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  private started: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: NatsLinkOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Begins connecting; returns at once. */
  start(): void {
    this.started = this.firstConnect();
  }

  get isUp(): boolean {
    return this.up;
  }

  health(): { ok: boolean; detail?: string } {
    if (this.up) return { ok: true };
    const since = this.downSince ? ` for ${Math.round((this.now() - this.downSince) / 1000)} s` : "";
    return {
      ok: false,
      detail: `cluster bus unreachable${since}${this.lastError ? ` (${this.lastError})` : ""}`,
    };
  }

  /** Calls `fn` with every message on `subject`, from the first connection on (resubscribed by NATS). */
  subscribe(subject: string, fn: Handler): void {
    this.handlers.push({ subject, fn });
    if (this.nc) this.subscribeOn(this.nc, subject, fn);
  }

  /** Each time the link comes up, the first connection included. */
  onUp(listener: (info: LinkUp) => void): void {
    this.upListeners.push(listener);
  }

  /** Sends if the link is up; otherwise drops the message and says so (false). */
  publish(subject: string, data: Uint8Array): boolean {
    if (!this.up || !this.nc) {
      this.dropped++;
      this.opts.metrics?.inc("starling_bus_errors_total", { kind: "dropped" });
      return false;
    }
    try {
      this.nc.publish(subject, data);
      return true;
    } catch (err) {
      this.dropped++;
      this.opts.metrics?.inc("starling_bus_errors_total", { kind: "dropped" });
      this.log.warn({ err: errorText(err), subject }, "bus publish failed");
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) {
      clearTimeout(this.retry.timer);
      this.retry.wake();
    }
    await this.started;
    const nc = this.nc;
    this.nc = undefined;
    this.up = false;
    if (!nc) return;
    try {
      await nc.drain();
    } catch {
      // Draining needs a live connection; without one, just close.
      await nc.close();
    }
  }

  /**
   * The NATS client gives up on a first connection that fails (reconnecting
   * forever applies only after one succeeded), so the first one is retried
   * here, with growing pauses.
   */
  private async firstConnect(): Promise<void> {
    let wait = 100;
    const max = this.opts.maxRetryMs ?? 2000;
    while (!this.closed) {
      try {
        // Loaded only when a cluster bus is configured.
        const { connect } = await import("@nats-io/transport-node");
        const nc = await connect({
          servers: this.opts.servers,
          name: this.opts.name,
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          // A link that went silent is noticed in about 10 s, not the default 4 minutes.
          pingInterval: 5000,
          maxPingOut: 2,
          timeout: 5000,
        });
        if (this.closed) {
          await nc.close();
          return;
        }
        this.nc = nc;
        for (const h of this.handlers) this.subscribeOn(nc, h.subject, h.fn);
        void this.watch(nc);
        this.markUp(nc.getServer());
        return;
      } catch (err) {
        this.markDown(errorText(err));
        await new Promise<void>((wake) => {
          this.retry = { timer: setTimeout(wake, wait), wake };
        });
        this.retry = undefined;
        wait = Math.min(max, wait * 2);
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") this.markDown(`lost ${s.server}`);
      else if (s.type === "reconnect") this.markUp(s.server);
    }
    // The status stream ends when the connection is closed for good.
    if (this.closed || this.nc !== nc) return;
    this.nc = undefined;
    this.markDown("connection closed");
    this.started = this.firstConnect();
  }

  private markDown(why: string): void {
    this.lastError = why;
    if (!this.up && this.outage) return;
    this.up = false;
    this.outage = true;
    this.downSince = this.now();
    this.opts.metrics?.inc("starling_bus_errors_total", { kind: "disconnect" });
    this.log.warn(
      { err: why, servers: this.opts.servers },
      "cluster bus down: serving this node's sessions only, retrying",
    );
  }

  private markUp(server: string): void {
    if (this.up) return;
    const afterOutage = this.outage;
    if (afterOutage)
      this.log.info(
        { server, downMs: this.now() - this.downSince, dropped: this.dropped },
        "cluster bus back: other nodes are told to sync",
      );
    else this.log.info({ server }, "cluster bus connected");
    this.up = true;
    this.outage = false;
    this.downSince = 0;
    this.lastError = "";
    this.dropped = 0;
    for (const l of this.upListeners) l({ afterOutage });
  }

  private subscribeOn(nc: NatsConnection, subject: string, fn: Handler): void {
    nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          fn(msg.data);
        } catch (e) {
          this.log.warn({ err: errorText(e), subject }, "malformed bus message");
        }
      },
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { Backoff, type BackoffOptions } from "./backoff.js";
import { ConnectionClosedError, isFatalConnectError } from "./client-errors.js";
import type { Connection } from "./connection.js";
import { sleep, type Timers } from "./timers.js";
import type { TransportClose } from "./transport.js";

export interface SupervisorOptions {
  endpoints: readonly string[];
  /** false: a dropped connection ends the client. */
  reconnect: BackoffOptions | false;
  timers: Timers;
  /** Opens and authenticates a connection to one endpoint; onClose reports its end. */
  open(endpoint: string, onClose: (info: TransportClose) => void, signal: AbortSignal): Promise<Connection>;
  connected(conn: Connection): void;
  disconnected(conn: Connection, info: TransportClose): void;
  /** The client must stop: refused login, a close code that forbids reconnecting. */
  fatal(err: Error): void;
}

/**
 * Keeps one connection up. Endpoints are tried in turn, starting with the
 * one that worked last, so a cluster's nodes back each other up; after a
 * whole round fails it waits with exponential backoff and jitter.
 */
export class Supervisor {
  private readonly opts: SupervisorOptions;
  private readonly backoff: Backoff;
  private index = 0;
  private stopper = new AbortController();
  private running = false;
  private current: Connection | null = null;
  /** The connect or reconnect loop in progress, if any. */
  private loop: Promise<unknown> = Promise.resolve();

  constructor(opts: SupervisorOptions) {
    if (opts.endpoints.length === 0) throw new RangeError("at least one endpoint is required");
    this.opts = opts;
    this.backoff = new Backoff(opts.reconnect === false ? {} : opts.reconnect);
  }

  /**
   * The first connection: one round over the endpoints, no waiting. Rejects
   * with the last failure; later drops reconnect on their own.
   */
  start(): Promise<void> {
    this.stopper = new AbortController();
    this.running = true;
    const signal = this.stopper.signal;
    const run = this.round(signal).then((conn) => this.adopt(conn));
    this.loop = run.catch(() => {});
    return run;
  }

  /** Reached "online": the next drop starts over from the shortest delay. */
  stable(): void {
    this.backoff.reset();
  }

  /**
   * Stops reconnecting; resolves once a connection attempt in progress has
   * given up. The caller closes the current connection.
   */
  stop(): Promise<void> {
    this.running = false;
    this.current = null;
    this.stopper.abort(new ConnectionClosedError(0, "client closed"));
    return this.loop.then(() => {});
  }

  private async round(signal: AbortSignal): Promise<Connection> {
    let last: unknown = new ConnectionClosedError(0, "no endpoint");
    for (let i = 0; i < this.opts.endpoints.length; i++) {
      if (signal.aborted) throw signal.reason;
      const endpoint = this.opts.endpoints[this.index] as string;
      let conn: Connection;
      try {
        conn = await this.opts.open(endpoint, (info) => this.onClose(conn, info), signal);
      } catch (err) {
        if (isFatalConnectError(err)) throw err;
        last = err;
        this.index = (this.index + 1) % this.opts.endpoints.length;
        continue;
      }
      if (signal.aborted) {
        await conn.close();
        throw signal.reason;
      }
      return conn;
    }
    throw last;
  }

  private adopt(conn: Connection): void {
    if (conn.closed) {
      // It died between its Welcome and now, before anyone used it.
      this.dropped(conn.closeError ?? new ConnectionClosedError(0, ""));
      return;
    }
    this.current = conn;
    this.opts.connected(conn);
  }

  private onClose(conn: Connection, info: TransportClose): void {
    if (conn !== this.current || !this.running) return;
    this.current = null;
    this.opts.disconnected(conn, info);
    this.dropped(new ConnectionClosedError(info.code, info.reason));
  }

  private dropped(err: ConnectionClosedError): void {
    if (err.fatal || this.opts.reconnect === false) {
      this.running = false;
      this.opts.fatal(err);
      return;
    }
    this.loop = this.reconnect(this.stopper.signal, 0);
  }

  private async reconnect(signal: AbortSignal, retryAfterMs: number): Promise<void> {
    let wait = retryAfterMs;
    for (;;) {
      try {
        await sleep(this.opts.timers, Math.max(wait, this.backoff.next()), signal);
        const conn = await this.round(signal);
        this.adopt(conn);
        return;
      } catch (err) {
        if (signal.aborted) return;
        if (isFatalConnectError(err)) {
          this.running = false;
          this.opts.fatal(err as Error);
          return;
        }
        wait = (err as { retryAfterMs?: number }).retryAfterMs ?? 0;
      }
    }
  }
}

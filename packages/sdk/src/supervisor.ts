import { CloseCode } from "@starling/protocol";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { ConnectionClosedError, isFatalConnectError } from "./client-errors.js";
import type { Connection } from "./connection.js";
import { EndpointPicker } from "./endpoint-picker.js";
import { sleep, type Timers } from "./timers.js";
import type { TransportClose } from "./transport.js";

export interface SupervisorOptions {
  endpoints: readonly string[];
  /** false: a dropped connection ends the client. */
  reconnect: BackoffOptions | false;
  timers: Timers;
  /** Uniform in [0, 1), for the choice of endpoint. Default Math.random. */
  random?: () => number;
  /** Opens and authenticates a connection to one endpoint; onClose reports its end. */
  open(endpoint: string, onClose: (info: TransportClose) => void, signal: AbortSignal): Promise<Connection>;
  connected(conn: Connection): void;
  disconnected(conn: Connection, info: TransportClose): void;
  /** The client must stop: refused login, a close code that forbids reconnecting. */
  fatal(err: Error): void;
}

/**
 * Keeps one connection up. Each round tries every endpoint once, in an
 * order drawn at random and weighted by health (EndpointPicker), so a
 * cluster's nodes back each other up and devices spread over them; after a
 * whole round fails it waits with exponential backoff and jitter. A node
 * that asks the client to move (CLOSE_CODE_MOVE_ELSEWHERE) is tried last
 * in the next round, which starts after the shortest delay.
 */
export class Supervisor {
  private readonly opts: SupervisorOptions;
  private readonly backoff: Backoff;
  private readonly picker: EndpointPicker;
  /** The endpoint of the current (or last) connection. */
  private index = -1;
  private stopper = new AbortController();
  private running = false;
  private current: Connection | null = null;
  /** The connect or reconnect loop in progress, if any. */
  private loop: Promise<unknown> = Promise.resolve();

  constructor(opts: SupervisorOptions) {
    if (opts.endpoints.length === 0) throw new RangeError("at least one endpoint is required");
    this.opts = opts;
    this.backoff = new Backoff(opts.reconnect === false ? {} : opts.reconnect);
    this.picker = new EndpointPicker(opts.endpoints.length, {
      now: () => opts.timers.now(),
      ...(opts.random ? { random: opts.random } : {}),
    });
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

  private async round(signal: AbortSignal, last?: number): Promise<Connection> {
    let failure: unknown = new ConnectionClosedError(0, "no endpoint");
    for (const i of this.picker.order(last)) {
      if (signal.aborted) throw signal.reason;
      const endpoint = this.opts.endpoints[i] as string;
      let conn: Connection;
      try {
        conn = await this.opts.open(endpoint, (info) => this.onClose(conn, info), signal);
      } catch (err) {
        if (isFatalConnectError(err)) throw err;
        failure = err;
        if (!signal.aborted) this.picker.failed(i);
        continue;
      }
      if (signal.aborted) {
        await conn.close();
        throw signal.reason;
      }
      this.index = i;
      this.picker.succeeded(i);
      return conn;
    }
    throw failure;
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
    if (err.closeCode === CloseCode.MOVE_ELSEWHERE) {
      // Not a failure of ours: go at once, and somewhere else first.
      this.picker.failed(this.index);
      this.backoff.reset();
      this.loop = this.reconnect(this.stopper.signal, 0, this.index);
      return;
    }
    this.picker.failed(this.index);
    // A node going down tells its clients so: try the others first.
    const away = err.closeCode === CloseCode.SERVER_SHUTDOWN ? this.index : undefined;
    this.loop = this.reconnect(this.stopper.signal, 0, away);
  }

  private async reconnect(signal: AbortSignal, retryAfterMs: number, avoid?: number): Promise<void> {
    let wait = retryAfterMs;
    for (;;) {
      try {
        await sleep(this.opts.timers, Math.max(wait, this.backoff.next()), signal);
        const conn = await this.round(signal, avoid);
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
        avoid = undefined;
      }
    }
  }
}

import type { SendAck } from "@starling/protocol";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { ConnectionClosedError, isRetryableError } from "./client-errors.js";
import type { Connection, RequestBody } from "./connection.js";
import { type PendingEntry, PendingSends } from "./pending-sends.js";
import type { Timers } from "./timers.js";

export type SendMessageInit = Extract<RequestBody, { case: "send" }>["value"];

interface Outgoing<I> {
  input: I;
  message: SendMessageInit;
  promise: Promise<SendAck>;
  resolve(ack: SendAck): void;
  reject(err: Error): void;
}

export interface SenderOptions {
  /** Sends pipelined on one connection. 1 keeps the app's order even across throttling. */
  maxInflight: number;
  retry: BackoffOptions;
  timers: Timers;
  /** A send was stored; `message` is what was sent. */
  onAck(ack: SendAck, message: SendMessageInit): void;
  /** The queue or the state of an entry in it changed. */
  onChange(): void;
}

/** Where an unacknowledged send stands, for an app that shows it. */
export interface SendState<I> {
  clientMsgId: string;
  input: I;
  /** "queued": not on the wire now (offline, throttled, or waiting its turn); "sending": awaiting its ack. */
  state: "queued" | "sending";
  /** Never transmitted, so cancel() can still take it back: it will never be stored. */
  cancellable: boolean;
}

/**
 * Delivers sends exactly once and in order, across reconnects: each keeps
 * its client_msg_id, so resending one the server already stored returns
 * the original ack instead of a second copy.
 */
export class Sender<I> {
  private readonly opts: SenderOptions;
  private readonly queue = new PendingSends<Outgoing<I>>();
  private readonly backoff: Backoff;
  private conn: Connection | null = null;
  private wakeTimer: unknown = null;

  constructor(opts: SenderOptions) {
    this.opts = opts;
    this.backoff = new Backoff(opts.retry);
  }

  /** Queues a send; a second call with a pending client_msg_id joins the first. */
  send(clientMsgId: string, input: I, message: SendMessageInit): Promise<SendAck> {
    const existing = this.queue.get(clientMsgId);
    if (existing !== undefined) return existing.payload.promise;
    let resolve!: (ack: SendAck) => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<SendAck>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.queue.add(clientMsgId, { input, message, promise, resolve, reject });
    this.pump();
    this.opts.onChange();
    return promise;
  }

  /** The app's inputs of every unacknowledged send, in order. */
  pending(): I[] {
    return this.queue.list().map((e) => e.payload.input);
  }

  /** Every unacknowledged send with its state, in order. */
  states(): SendState<I>[] {
    return this.queue.list().map((e) => ({
      clientMsgId: e.clientMsgId,
      input: e.payload.input,
      state: e.state === "inflight" ? "sending" : "queued",
      cancellable: e.attempt === 0,
    }));
  }

  /**
   * Withdraws a send that was never transmitted; its promise rejects with
   * `reason`. False when it is unknown or may already be stored.
   */
  cancel(clientMsgId: string, reason: Error): boolean {
    const entry = this.queue.cancel(clientMsgId);
    if (entry === undefined) return false;
    entry.payload.reject(reason);
    this.pump();
    this.opts.onChange();
    return true;
  }

  /** A new connection: resend everything unacknowledged, then continue. */
  attach(conn: Connection): void {
    this.conn = conn;
    this.pump();
  }

  detach(): void {
    this.conn = null;
    const moved = this.queue.inflight > 0;
    this.queue.requeueInflight();
    this.clearWake();
    if (moved) this.opts.onChange();
  }

  /** Fails every pending send (the client closed for good). */
  failAll(err: Error): void {
    this.detach();
    const all = this.queue.drain();
    for (const entry of all) entry.payload.reject(err);
    if (all.length > 0) this.opts.onChange();
  }

  private pump(): void {
    const conn = this.conn;
    if (conn === null || conn.closed) return;
    this.clearWake();
    const now = this.opts.timers.now();
    let sent = false;
    for (;;) {
      const entry = this.queue.next(now, this.opts.maxInflight);
      if (entry === undefined) break;
      this.transmit(conn, entry);
      sent = true;
    }
    if (sent) this.opts.onChange();
    const wakeAt = this.queue.wakeAt(now);
    if (wakeAt !== undefined) {
      this.wakeTimer = this.opts.timers.setTimeout(() => {
        this.wakeTimer = null;
        this.pump();
      }, wakeAt - now);
    }
  }

  private transmit(conn: Connection, entry: PendingEntry<Outgoing<I>>): void {
    const attempt = this.queue.transmit(entry);
    // No timeout: the ack follows the durable write, however long that
    // takes; a dead link is caught by the heartbeat, which requeues this.
    conn.request({ case: "send", value: entry.payload.message }).then(
      (body) => {
        if (!this.queue.isCurrent(entry, attempt)) return;
        this.queue.remove(entry);
        if (body.case === "sendAck") {
          entry.payload.resolve(body.value);
          this.opts.onAck(body.value, entry.payload.message);
        } else {
          entry.payload.reject(new Error(`unexpected answer to send: ${body.case}`));
        }
        this.pump();
        this.opts.onChange();
      },
      (err: unknown) => {
        if (!this.queue.isCurrent(entry, attempt)) return;
        // The connection's end requeues it (detach); nothing to do here.
        if (err instanceof ConnectionClosedError) return;
        if (isRetryableError(err)) {
          const delay = Math.max(err.retryAfterMs, this.backoff.delayFor(entry.retries));
          this.queue.defer(entry, this.opts.timers.now() + delay);
        } else {
          this.queue.remove(entry);
          entry.payload.reject(err as Error);
        }
        this.pump();
        this.opts.onChange();
      },
    );
  }

  private clearWake(): void {
    if (this.wakeTimer !== null) {
      this.opts.timers.clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
    }
  }
}

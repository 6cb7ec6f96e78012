import {
  COMPRESSION_THRESHOLD_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  decodeEnvelope,
  type Envelope,
  type EnvelopeInit,
  ErrorCode,
  encodeEnvelope,
  type Goodbye,
  type Push,
  type Response,
  StarlingError,
  type Welcome,
} from "@starling/protocol";
import { ConnectionClosedError, errorFromWire, RequestTimeoutError } from "./client-errors.js";
import type { Compressor } from "./compression.js";
import { Heartbeat } from "./heartbeat.js";
import { RequestIdAllocator } from "./request-ids.js";
import type { Timers } from "./timers.js";
import type { Transport, TransportClose } from "./transport.js";

type RequestInit = Extract<NonNullable<EnvelopeInit["kind"]>, { case: "request" }>["value"];
/** The body of a Request, as a plain object: `{ case: "sync", value: { cursor: 0 } }`. */
export type RequestBody = NonNullable<RequestInit["body"]>;
export type HelloInit = Extract<RequestBody, { case: "hello" }>["value"];
/** A successful Response body (errors are thrown as StarlingError). */
export type ResponseBody = Exclude<Response["body"], { case: "error" }>;

/** Used when the server's Welcome gives no interval. */
const DEFAULT_HEARTBEAT_MS = 30_000;

export interface ConnectionOptions {
  transport: Transport;
  hello: HelloInit;
  /** Offered in Hello; used only if the server picks it. */
  compressor?: Compressor;
  /** Bound on opening the transport plus receiving the Welcome. */
  timeoutMs: number;
  /** Aborts the handshake (the client is closing). */
  signal?: AbortSignal;
  timers: Timers;
  onPush(push: Push): void;
  /** Called once when an established connection ends without close() being called. */
  onClose(info: TransportClose): void;
}

interface PendingRequest {
  resolve(body: ResponseBody): void;
  reject(err: Error): void;
  timer: unknown;
}

/**
 * One authenticated connection: the Hello/Welcome handshake, request and
 * response matching, pushes, compression, heartbeat and the reason it ended.
 * It never reconnects; the Supervisor replaces it when it dies.
 */
export class Connection {
  private readonly opts: ConnectionOptions;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly ids = new RequestIdAllocator();
  private heartbeat: Heartbeat | null = null;
  private welcomeMsg: Welcome | null = null;
  private compressor: Compressor | null = null;
  private maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
  private goodbye: Goodbye | null = null;
  private established = false;
  private isClosed = false;
  private endError: ConnectionClosedError | null = null;
  /** Pushes that arrived before the owner was ready for them. */
  private heldPushes: Push[] | null = [];

  private constructor(opts: ConnectionOptions) {
    this.opts = opts;
  }

  /** Connects, says Hello and resolves once the server's Welcome arrived. */
  static async open(opts: ConnectionOptions): Promise<Connection> {
    const conn = new Connection(opts);
    await conn.handshake();
    return conn;
  }

  get welcome(): Welcome {
    return this.welcomeMsg as Welcome;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Why it closed, once it did. */
  get closeError(): ConnectionClosedError | null {
    return this.endError;
  }

  /**
   * Starts delivering pushes. Frames that arrive together with the Welcome
   * are processed before open()'s caller resumes, so pushes wait here until
   * the owner has wired up everything they touch.
   */
  activate(): void {
    const held = this.heldPushes;
    this.heldPushes = null;
    for (const push of held ?? []) {
      if (this.isClosed) return;
      this.opts.onPush(push);
    }
  }

  /**
   * Sends a request; resolves with the response body, rejects with the
   * server's error as a StarlingError, with RequestTimeoutError after
   * timeoutMs (0: wait for ever), or with ConnectionClosedError.
   */
  request(body: RequestBody, timeoutMs = 0): Promise<ResponseBody> {
    if (this.isClosed)
      return Promise.reject(this.endError ?? new ConnectionClosedError(0, "connection closed"));
    const id = this.ids.allocate(this.pending);
    let bytes: Uint8Array;
    try {
      bytes = this.encode({ kind: { case: "request", value: { id, body } } });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<ResponseBody>((resolve, reject) => {
      const entry: PendingRequest = { resolve, reject, timer: null };
      if (timeoutMs > 0) {
        entry.timer = this.opts.timers.setTimeout(() => {
          this.pending.delete(id);
          reject(new RequestTimeoutError(timeoutMs));
        }, timeoutMs);
      }
      this.pending.set(id, entry);
      this.opts.transport.send(bytes);
    });
  }

  /** Closes without calling onClose; pending requests fail with ConnectionClosedError. */
  close(reason = "closed by client"): Promise<void> {
    this.finish({ code: 0, reason }, false);
    return this.opts.transport.close(1000, "");
  }

  private async handshake(): Promise<void> {
    const { transport, timers, timeoutMs, signal } = this.opts;
    let timer: unknown = null;
    let onAbort: (() => void) | null = null;
    const timeout = new Promise<never>((_, reject) => {
      timer = timers.setTimeout(() => reject(new RequestTimeoutError(timeoutMs)), timeoutMs);
      if (signal !== undefined) {
        onAbort = () => reject(signal.reason);
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      }
    });
    try {
      await Promise.race([
        transport.connect({
          frame: (bytes) => this.onFrame(bytes),
          close: (info) => this.finish(info, true),
        }),
        timeout,
      ]);
      const body = await Promise.race([this.request({ case: "hello", value: this.opts.hello }), timeout]);
      if (body.case !== "welcome")
        throw new StarlingError(ErrorCode.BAD_FRAME, "server did not answer Hello with Welcome");
    } catch (err) {
      this.finish({ code: 0, reason: "handshake failed" }, false);
      // Waited for, so that a client closed mid-connect leaves no socket behind.
      await transport.close();
      throw err;
    } finally {
      timers.clearTimeout(timer);
      if (onAbort !== null) signal?.removeEventListener("abort", onAbort);
    }
  }

  private welcomed(welcome: Welcome): void {
    this.welcomeMsg = welcome;
    if (welcome.maxFrameBytes > 0) this.maxFrameBytes = welcome.maxFrameBytes;
    const offered = this.opts.compressor;
    if (offered !== undefined && welcome.compression === offered.name) this.compressor = offered;
    this.established = true;
    this.heartbeat = new Heartbeat({
      intervalMs: welcome.heartbeatIntervalMs || DEFAULT_HEARTBEAT_MS,
      timers: this.opts.timers,
      sendPing: () => {
        this.request({ case: "ping", value: {} }).catch(() => {});
      },
      onDead: () => {
        this.finish({ code: 0, reason: "no answer to heartbeat" }, true);
      },
    });
    this.heartbeat.start();
  }

  private encode(env: EnvelopeInit): Uint8Array {
    let bytes = encodeEnvelope(env);
    if (this.compressor !== null && bytes.length >= COMPRESSION_THRESHOLD_BYTES) {
      bytes = encodeEnvelope({ kind: { case: "deflated", value: this.compressor.compress(bytes) } });
    }
    if (bytes.length > this.maxFrameBytes) {
      throw new StarlingError(ErrorCode.FRAME_TOO_LARGE, "request exceeds the server's frame size limit", {
        details: { limit: String(this.maxFrameBytes), size: String(bytes.length) },
      });
    }
    return bytes;
  }

  private decode(bytes: Uint8Array): Envelope {
    const env = decodeEnvelope(bytes);
    if (env.kind.case !== "deflated") return env;
    if (this.compressor === null) {
      throw new StarlingError(ErrorCode.COMPRESSION_NOT_NEGOTIATED, "compressed frame without negotiation");
    }
    const inner = decodeEnvelope(this.compressor.decompress(env.kind.value, this.maxFrameBytes));
    if (inner.kind.case === "deflated")
      throw new StarlingError(ErrorCode.BAD_FRAME, "nested compressed frame");
    return inner;
  }

  private onFrame(bytes: Uint8Array): void {
    if (this.isClosed) return;
    this.heartbeat?.received();
    let env: Envelope;
    try {
      env = this.decode(bytes);
    } catch (err) {
      // A server that sends garbage is treated like a dropped link: reconnect.
      this.finish({ code: 0, reason: "bad frame from server", error: err as Error }, true);
      return;
    }
    if (env.kind.case === "response") this.onResponse(env.kind.value);
    else if (env.kind.case === "push") this.onPush(env.kind.value);
  }

  private onResponse(res: Response): void {
    const entry = this.pending.get(res.id);
    if (entry === undefined) return;
    this.pending.delete(res.id);
    if (entry.timer !== null) this.opts.timers.clearTimeout(entry.timer);
    if (res.body.case === "error") entry.reject(errorFromWire(res.body.value));
    else if (res.body.case === undefined)
      entry.reject(new StarlingError(ErrorCode.BAD_FRAME, "empty response"));
    else {
      // Applied before any later frame of the same chunk is decoded: those
      // may already be compressed.
      if (res.body.case === "welcome" && !this.established) this.welcomed(res.body.value);
      entry.resolve(res.body);
    }
  }

  private onPush(push: Push): void {
    if (push.body.case === "goodbye") {
      this.goodbye = push.body.value;
      return;
    }
    if (this.heldPushes !== null) this.heldPushes.push(push);
    else this.opts.onPush(push);
  }

  private finish(info: TransportClose, notify: boolean): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.heartbeat?.stop();
    // TCP has no close status; the Goodbye sent just before carries it.
    const code = info.code !== 0 ? info.code : (this.goodbye?.code ?? 0);
    const reason = info.code !== 0 ? info.reason : this.goodbye?.reason || info.reason;
    const err = new ConnectionClosedError(code, reason);
    this.endError = err;
    for (const entry of this.pending.values()) {
      if (entry.timer !== null) this.opts.timers.clearTimeout(entry.timer);
      entry.reject(err);
    }
    this.pending.clear();
    this.heldPushes = null;
    if (notify && this.established) {
      void this.opts.transport.close();
      this.opts.onClose({ code, reason, ...(info.error ? { error: info.error } : {}) });
    }
  }
}

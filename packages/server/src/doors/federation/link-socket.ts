import type tls from "node:tls";
import {
  create,
  ErrorCode,
  encodeFrame,
  FrameDecoder,
  federation,
  fromBinary,
  toBinary,
} from "@starling/protocol";

type Envelope = federation.FederationEnvelope;
export type EnvelopeInit = Parameters<typeof create<typeof federation.FederationEnvelopeSchema>>[1];

export interface LinkSocketOptions {
  maxFrameBytes: number;
  /** A side that sent nothing for this long sends a Heartbeat. */
  heartbeatMs: number;
}

/** Why a link socket closed: our own code and reason, or the peer's Close, or the socket's end. */
export interface LinkClosed {
  by: "us" | "peer" | "socket";
  code: number;
  reason: string;
}

/** How long a closing socket may take to flush its Close. */
const END_GRACE_MS = 2000;

/**
 * One federation connection after TLS, either direction: envelopes framed by
 * a varint length like the native TCP door (a frame over the limit refused
 * before its body is buffered), a Heartbeat after a quiet `heartbeatMs` and
 * the connection dropped after three quiet periods from the peer, and a Close
 * envelope with a code and reason before we end it.
 */
export class LinkSocket {
  private readonly decoder: FrameDecoder;
  private lastSent: number;
  private lastReceived: number;
  private readonly timer: NodeJS.Timeout;
  private closed: LinkClosed | undefined;

  constructor(
    readonly socket: tls.TLSSocket,
    private readonly opts: LinkSocketOptions,
    private readonly onEnvelope: (env: Envelope) => void,
    private readonly onClose: (closed: LinkClosed) => void,
  ) {
    this.decoder = new FrameDecoder(opts.maxFrameBytes);
    this.lastSent = this.lastReceived = Date.now();
    this.timer = setInterval(() => this.beat(), Math.max(50, Math.floor(opts.heartbeatMs / 2)));
    this.timer.unref();
    socket.on("data", (chunk: Buffer) => this.data(chunk));
    socket.on("error", () => {}); // "close" follows
    socket.on("close", () => this.finish({ by: "socket", code: 0, reason: "connection closed" }));
  }

  get isClosed(): boolean {
    return this.closed !== undefined;
  }

  send(init: EnvelopeInit): void {
    if (this.closed) return;
    this.lastSent = Date.now();
    this.socket.write(
      encodeFrame(
        toBinary(federation.FederationEnvelopeSchema, create(federation.FederationEnvelopeSchema, init)),
      ),
    );
  }

  /** Tells the peer why, then ends the connection. */
  close(code: ErrorCode | number, reason: string): void {
    if (this.closed) return;
    this.send({ kind: { case: "close", value: { code, reason } } });
    this.finish({ by: "us", code, reason });
    this.socket.end();
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
  }

  /** Stops reading for a while (the rate limit), without losing what is buffered. */
  pauseFor(ms: number): void {
    this.socket.pause();
    setTimeout(() => {
      if (!this.closed) this.socket.resume();
    }, ms).unref();
  }

  private data(chunk: Buffer): void {
    if (this.closed) return;
    this.lastReceived = Date.now();
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      const e = err as { code?: number; message?: string };
      this.close(e.code ?? 0, e.message ?? "bad frame");
      return;
    }
    for (const f of frames) {
      if (this.closed) return;
      let env: Envelope;
      try {
        env = fromBinary(federation.FederationEnvelopeSchema, f);
      } catch {
        this.close(ErrorCode.BAD_FRAME, "malformed envelope");
        return;
      }
      if (env.kind.case === "heartbeat") continue;
      if (env.kind.case === "close") {
        this.finish({ by: "peer", code: env.kind.value.code, reason: env.kind.value.reason.slice(0, 200) });
        this.socket.destroy();
        return;
      }
      this.onEnvelope(env);
    }
  }

  private beat(): void {
    const now = Date.now();
    if (now - this.lastReceived > 3 * this.opts.heartbeatMs) {
      this.finish({ by: "us", code: 0, reason: "heartbeat timeout" });
      this.socket.destroy();
      return;
    }
    if (now - this.lastSent >= this.opts.heartbeatMs) this.send({ kind: { case: "heartbeat", value: {} } });
  }

  private finish(closed: LinkClosed): void {
    if (this.closed) return;
    this.closed = closed;
    clearInterval(this.timer);
    this.onClose(closed);
  }
}

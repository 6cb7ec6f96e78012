import { isIP, connect as netConnect, type Socket } from "node:net";
import {
  type TLSSocket,
  type ConnectionOptions as TlsConnectionOptions,
  connect as tlsConnect,
} from "node:tls";
import { ErrorCode, encodeFrame, FrameDecoder, StarlingError } from "@starling/protocol";
import { CertificatePinError, pinProblem } from "./node-pin.js";
import type { Transport, TransportClose, TransportHandlers } from "./transport.js";

export interface TlsOptions {
  /** Trusted CA certificates (PEM), e.g. a private deployment's self-signed certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Default true. false accepts any certificate: for development only. */
  rejectUnauthorized?: boolean;
  /** The name to verify the certificate against; defaults to the host (unless it is an IP). */
  servername?: string;
  /**
   * SHA-256 fingerprint of the server's certificate (hex, colons optional), as the invite link
   * and the onboarding document give it: that certificate is accepted whoever signed it, and any
   * other one only if the system's CAs trust it for the host (`CertificatePinError` otherwise).
   */
  pinSha256?: string;
}

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** TLS settings; null for plain TCP. */
  tls: TlsOptions | null;
  /** Largest frame accepted from the server. */
  maxFrameBytes: number;
}

/** How long close() waits for the server to finish before destroying the socket. */
const CLOSE_GRACE_MS = 1000;

/** The native protocol over TCP (tcp://) or TLS (tls://), varint length-prefixed frames. */
export class TcpTransport implements Transport {
  private readonly opts: TcpTransportOptions;
  private socket: Socket | null = null;
  private handlers: TransportHandlers | null = null;
  private opened = false;
  /** Resolves once the socket is fully closed. */
  private gone: Promise<void> = Promise.resolve();

  constructor(opts: TcpTransportOptions) {
    this.opts = opts;
  }

  connect(handlers: TransportHandlers): Promise<void> {
    const { host, port, tls } = this.opts;
    return new Promise((resolve, reject) => {
      let socket: Socket;
      if (tls !== null) {
        const options: TlsConnectionOptions = {
          host,
          port,
          rejectUnauthorized: tls.pinSha256 ? false : (tls.rejectUnauthorized ?? true),
        };
        if (tls.ca !== undefined) options.ca = tls.ca;
        // SNI must not carry an IP address.
        const servername = tls.servername ?? (isIP(host) === 0 ? host : undefined);
        if (servername !== undefined) options.servername = servername;
        socket = tlsConnect(options);
      } else {
        socket = netConnect({ host, port });
      }
      this.socket = socket;
      const decoder = new FrameDecoder(this.opts.maxFrameBytes);
      let failure: Error | undefined;
      this.gone = new Promise<void>((resolveGone) => socket.once("close", () => resolveGone()));
      socket.once(tls !== null ? "secureConnect" : "connect", () => {
        const pinned = tls?.pinSha256 ? pinProblem(socket as TLSSocket, tls.pinSha256) : undefined;
        if (pinned) {
          failure = pinned;
          socket.destroy();
          return;
        }
        this.opened = true;
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
        this.handlers = handlers;
        resolve();
      });
      socket.on("data", (chunk: Buffer) => {
        let frames: Uint8Array[];
        try {
          frames = decoder.push(chunk);
        } catch (err) {
          socket.destroy(err as Error);
          return;
        }
        for (const frame of frames) {
          if (this.handlers === null) return;
          this.handlers.frame(frame);
        }
      });
      socket.on("error", (err) => {
        if (!(failure instanceof CertificatePinError)) failure = err;
      });
      socket.once("close", () => {
        if (!this.opened) {
          if (failure instanceof CertificatePinError) {
            reject(failure);
            return;
          }
          const why = failure?.message ?? "closed";
          reject(
            new StarlingError(ErrorCode.UNAVAILABLE, `cannot connect to ${host}:${port}: ${why}`, {
              retryable: true,
            }),
          );
          return;
        }
        const h = this.handlers;
        this.handlers = null;
        const info: TransportClose = { code: 0, reason: failure?.message ?? "" };
        if (failure !== undefined) info.error = failure;
        h?.close(info);
      });
    });
  }

  send(bytes: Uint8Array): void {
    const socket = this.socket;
    if (socket === null || socket.destroyed || !socket.writable) return;
    socket.write(encodeFrame(bytes));
  }

  close(): Promise<void> {
    this.handlers = null;
    const socket = this.socket;
    if (socket === null || socket.destroyed) return Promise.resolve();
    if (!this.opened) {
      socket.destroy();
      return this.gone;
    }
    // end() lets queued frames (a last MarkDelivered) reach the server first.
    socket.end();
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    return this.gone.then(() => clearTimeout(timer));
  }
}

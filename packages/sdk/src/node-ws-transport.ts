import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from "node:tls";
import { ErrorCode, StarlingError } from "@starling/protocol";
import WebSocket, { type ClientOptions, type RawData } from "ws";
import { CertificatePinError, pinProblem } from "./node-pin.js";
import type { TlsOptions } from "./node-tcp-transport.js";
import type { Transport, TransportClose, TransportHandlers } from "./transport.js";

export interface NodeWebSocketTransportOptions {
  url: string;
  tls: TlsOptions;
  maxFrameBytes: number;
}

/** How long close() waits for the closing handshake before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

/** The native protocol over WebSocket in Node, using the `ws` package. */
export class NodeWebSocketTransport implements Transport {
  private readonly opts: NodeWebSocketTransportOptions;
  private socket: WebSocket | null = null;
  private handlers: TransportHandlers | null = null;

  constructor(opts: NodeWebSocketTransportOptions) {
    this.opts = opts;
  }

  connect(handlers: TransportHandlers): Promise<void> {
    const { url, tls, maxFrameBytes } = this.opts;
    return new Promise((resolve, reject) => {
      const options: ClientOptions = {
        maxPayload: maxFrameBytes,
        // Frames are compressed by the protocol itself when worth it.
        perMessageDeflate: false,
        rejectUnauthorized: tls.pinSha256 ? false : (tls.rejectUnauthorized ?? true),
      };
      const pin = tls.pinSha256;
      if (pin && url.startsWith("wss:")) {
        // The upgrade request carries no secret (the login goes in Hello, after it), so checking
        // the certificate as the TLS handshake ends is early enough.
        options.createConnection = (o) => {
          const s = tlsConnect(o as TlsConnectionOptions);
          s.once("secureConnect", () => {
            const problem = pinProblem(s, pin);
            if (problem) {
              failure = problem;
              s.destroy(problem);
            }
          });
          return s;
        };
      }
      if (tls.ca !== undefined) options.ca = tls.ca;
      if (tls.servername !== undefined) (options as { servername?: string }).servername = tls.servername;
      let failure: Error | undefined;
      const socket = new WebSocket(url, options);
      this.socket = socket;
      let opened = false;
      socket.once("open", () => {
        opened = true;
        this.handlers = handlers;
        resolve();
      });
      socket.on("message", (data: RawData, isBinary: boolean) => {
        if (this.handlers === null) return;
        if (!isBinary) {
          // The protocol has no text frames; a server sending one is broken.
          socket.terminate();
          return;
        }
        this.handlers.frame(toBytes(data));
      });
      socket.on("error", (err) => {
        if (!(failure instanceof CertificatePinError)) failure = err;
      });
      socket.once("close", (code: number, reason: Buffer) => {
        if (!opened) {
          if (failure instanceof CertificatePinError) {
            reject(failure);
            return;
          }
          const why = failure?.message ?? "closed";
          reject(
            new StarlingError(ErrorCode.UNAVAILABLE, `cannot connect to ${url}: ${why}`, { retryable: true }),
          );
          return;
        }
        const h = this.handlers;
        this.handlers = null;
        // 1005/1006: no close frame, the link just dropped.
        const info: TransportClose = {
          code: code === 1005 || code === 1006 ? 0 : code,
          reason: reason.toString() || failure?.message || "",
        };
        if (failure !== undefined) info.error = failure;
        h?.close(info);
      });
    });
  }

  send(bytes: Uint8Array): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(bytes);
  }

  close(code = 1000, reason = ""): Promise<void> {
    this.handlers = null;
    const socket = this.socket;
    if (socket === null || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      timer.unref();
      socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code, reason);
    });
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

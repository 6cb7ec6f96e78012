import { ErrorCode, StarlingError } from "@starling/protocol";
import { parseEndpoint } from "./endpoint.js";
import type { Transport, TransportClose, TransportFactory, TransportHandlers } from "./transport.js";

/** Statuses a browser reports for a link that ended without a close frame. */
const NO_STATUS = new Set([1005, 1006]);

/** How long close() waits for the closing handshake before giving up on it. */
const CLOSE_GRACE_MS = 2000;

/**
 * The native protocol over the platform's WebSocket (browsers, Deno, Node
 * 22+): one binary message per Envelope.
 */
export class WebSocketTransport implements Transport {
  private readonly url: string;
  private socket: WebSocket | null = null;
  private handlers: TransportHandlers | null = null;
  private closing: Promise<void> | null = null;

  constructor(url: string) {
    this.url = url;
  }

  connect(handlers: TransportHandlers): Promise<void> {
    const Ctor = globalThis.WebSocket;
    if (typeof Ctor !== "function") {
      return Promise.reject(
        new StarlingError(
          ErrorCode.UNAVAILABLE,
          "this runtime has no WebSocket; in Node use @starling/sdk/node",
          {
            retryable: false,
          },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new Ctor(this.url);
      } catch (err) {
        reject(err);
        return;
      }
      socket.binaryType = "arraybuffer";
      this.socket = socket;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        this.handlers = handlers;
        resolve();
      };
      socket.onmessage = (ev: MessageEvent) => {
        if (this.handlers === null) return;
        if (ev.data instanceof ArrayBuffer) {
          this.handlers.frame(new Uint8Array(ev.data));
        } else {
          // The protocol has no text frames; a server sending one is broken.
          this.fail({ code: 0, reason: "unexpected text frame" });
        }
      };
      socket.onclose = (ev: CloseEvent) => {
        if (!opened) {
          reject(
            new StarlingError(ErrorCode.UNAVAILABLE, `cannot connect to ${this.url}`, { retryable: true }),
          );
          return;
        }
        this.fail({ code: NO_STATUS.has(ev.code) ? 0 : ev.code, reason: ev.reason });
      };
      // Browsers give no detail on errors; the close event that follows says enough.
      socket.onerror = () => {};
    });
  }

  send(bytes: Uint8Array): void {
    if (this.socket?.readyState === 1) this.socket.send(bytes);
  }

  close(code = 1000, reason = ""): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.handlers = null;
    const socket = this.socket;
    if (socket === null || socket.readyState === 3) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    this.closing = new Promise((resolve) => {
      const timer = setTimeout(resolve, CLOSE_GRACE_MS);
      socket.addEventListener("close", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(code, reason);
    });
    return this.closing;
  }

  private fail(info: TransportClose): void {
    const handlers = this.handlers;
    this.handlers = null;
    if (this.socket !== null && this.socket.readyState < 2) this.socket.close(1000);
    handlers?.close(info);
  }
}

/** The default factory of the browser build: ws:// and wss:// endpoints only. */
export const webSocketTransportFactory: TransportFactory = (endpoint) => {
  const ep = parseEndpoint(endpoint);
  if (ep.scheme !== "ws" && ep.scheme !== "wss") {
    throw new StarlingError(
      ErrorCode.INVALID_ARGUMENT,
      `${ep.scheme}:// endpoints need the Node transports from @starling/sdk/node`,
      { details: { endpoint } },
    );
  }
  return new WebSocketTransport(ep.url);
};

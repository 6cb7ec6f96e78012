/**
 * A minimal native-protocol client for the load generator: one socket (TLS
 * with length-prefixed frames, or WebSocket with one binary message per
 * frame), the Hello/Welcome handshake, and a frame callback. No SDK: the
 * generator must cost the shared CPU as little as possible and must not hide
 * a server problem behind retries.
 */
import tls from "node:tls";
import { decodeEnvelope, encodeEnvelope, encodeFrame, FrameDecoder } from "@starling/protocol";
import WebSocket from "ws";

export type Transport = "tcp" | "ws";

export interface Endpoint {
  host: string;
  tcpPort: number;
  httpPort: number;
  /** The XMPP client-to-server listener, when the server has one. */
  xmppPort?: number;
}

export interface BenchConn {
  readonly transport: Transport;
  /** Receives each envelope's bytes once logged in; scenarios replace it. */
  onFrame: (frame: Uint8Array) => void;
  /** Called once when the socket is gone, whoever closed it. */
  onClose: () => void;
  readonly closed: boolean;
  send(envelope: Uint8Array): void;
  /** A fresh request id, never 0. */
  nextId(): number;
  close(): void;
}

const NOOP = () => {};

abstract class BaseConn {
  onFrame: (frame: Uint8Array) => void = NOOP;
  onClose: () => void = NOOP;
  closed = false;
  private id = 0;

  nextId(): number {
    this.id = this.id >= 0xfffffff0 ? 1 : this.id + 1;
    return this.id;
  }

  protected ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

class TlsConn extends BaseConn implements BenchConn {
  readonly transport = "tcp" as const;
  private readonly decoder = new FrameDecoder();

  constructor(private readonly socket: tls.TLSSocket) {
    super();
    socket.on("data", (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) this.onFrame(f);
    });
    socket.on("close", () => this.ended());
  }

  send(envelope: Uint8Array): void {
    if (!this.closed) this.socket.write(encodeFrame(envelope));
  }

  close(): void {
    this.socket.destroy();
  }
}

class WsConn extends BaseConn implements BenchConn {
  readonly transport = "ws" as const;

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on("message", (data: Buffer) => this.onFrame(data));
    ws.on("close", () => this.ended());
  }

  send(envelope: Uint8Array): void {
    if (!this.closed) this.ws.send(envelope, { binary: true });
  }

  close(): void {
    // terminate, not close: the idle scenario tears down 10,000 sockets and
    // a close handshake each would only measure the teardown.
    this.ws.terminate();
  }
}

function openSocket(transport: Transport, ep: Endpoint): Promise<BenchConn> {
  return new Promise((resolve, reject) => {
    if (transport === "tcp") {
      const socket = tls.connect({ host: ep.host, port: ep.tcpPort, rejectUnauthorized: false });
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.once("secureConnect", () => {
        socket.off("error", reject);
        socket.on("error", NOOP); // "close" follows
        resolve(new TlsConn(socket));
      });
      return;
    }
    const ws = new WebSocket(`ws://${ep.host}:${ep.httpPort}/ws`, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    ws.binaryType = "nodebuffer";
    ws.once("error", reject);
    ws.once("open", () => {
      ws.off("error", reject);
      ws.on("error", NOOP);
      resolve(new WsConn(ws));
    });
  });
}

/** Opens a connection and logs in with a session token; rejects with the server's error code. */
export async function connectAndLogin(
  transport: Transport,
  ep: Endpoint,
  token: string,
  deviceId: string,
  timeoutMs: number,
): Promise<BenchConn> {
  let timer: NodeJS.Timeout | undefined;
  let conn: BenchConn | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      conn?.close();
      reject(new Error(`no welcome within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        conn = await openSocket(transport, ep);
        const c = conn;
        if (timedOut) c.close(); // the race is lost; do not leak the socket
        const welcome = new Promise<void>((resolve, reject) => {
          c.onClose = () => reject(new Error("closed before welcome"));
          c.onFrame = (frame) => {
            const env = decodeEnvelope(frame);
            const res = env.kind.case === "response" ? env.kind.value : undefined;
            if (res?.body.case === "welcome") resolve();
            else if (res?.body.case === "error")
              reject(new Error(`hello refused: code ${res.body.value.code} ${res.body.value.message}`));
            else reject(new Error(`unexpected first frame: ${env.kind.case}`));
          };
        });
        c.send(
          encodeEnvelope({
            kind: {
              case: "request",
              value: {
                id: c.nextId(),
                body: {
                  case: "hello",
                  value: {
                    minVersion: 1,
                    maxVersion: 1,
                    client: { platform: "bench", deviceId },
                    auth: { case: "token", value: token },
                  },
                },
              },
            },
          }),
        );
        await welcome;
        c.onFrame = NOOP;
        c.onClose = NOOP;
        return c;
      })(),
      timeout,
    ]);
  } catch (err) {
    conn?.close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

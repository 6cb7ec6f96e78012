import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { CloseCode } from "@starling/protocol";
import { WebSocketServer } from "ws";
import type { Logger } from "../../core/kernel/ports.js";
import { type Corkable, coalesce } from "./coalesce.js";
import type { Connection } from "./connection.js";
import type { SessionHub } from "./session-hub.js";

/**
 * The native protocol over WebSocket: one binary message per envelope. The
 * frame limit is enforced by ws before it buffers a message.
 */
export class WsEndpoint {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly hub: SessionHub,
    private readonly log: Logger,
    maxFrameBytes: number,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  /** Handles an HTTP upgrade for the native protocol path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, remoteAddress: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const ticket = this.hub.core.connections.admit(remoteAddress, "native-ws", "session");
      let closed = false;
      const conn: Connection = {
        transport: "ws",
        remoteAddress,
        ticket,
        send: (envelope) => {
          if (closed) return;
          // ws writes each message by itself; corking its socket for the tick batches them.
          coalesce(socket as unknown as Corkable);
          ws.send(envelope, { binary: true });
        },
        bufferedBytes: () => ws.bufferedAmount,
        close: (code, reason) => {
          if (closed) return;
          closed = true;
          // A close reason is limited to 123 bytes by RFC 6455 section 5.5.
          ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
        },
      };
      ws.on("close", () => ticket.release());
      const session = this.hub.open(conn);
      if (!session) return;
      ws.on("message", (data, isBinary) => {
        if (!isBinary) {
          this.log.warn({ ip: remoteAddress }, "text frame on the native websocket");
          conn.close(CloseCode.PROTOCOL_ERROR, "BAD_FRAME: binary frames only");
          this.hub.closed(session);
          return;
        }
        session.onFrame(data instanceof Buffer ? data : Buffer.concat(data as Buffer[]));
      });
      ws.on("error", (err) => {
        // ws reports oversize messages (1009) and malformed frames here; it closes the socket itself.
        this.log.warn({ ip: remoteAddress, err: err.message }, "websocket error");
      });
      ws.on("close", () => {
        closed = true;
        this.hub.closed(session);
      });
    });
  }

  close(): void {
    this.wss.close();
  }
}

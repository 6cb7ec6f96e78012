import net from "node:net";
import tls from "node:tls";
import { CloseCode, encodeEnvelope, encodeFrame, FrameDecoder, shouldReconnect } from "@starling/protocol";
import type { Logger } from "../core/ports.js";
import { listen } from "../platform/listen.js";
import { type ServerTlsSettings, serverTlsOptions } from "../tls/tls-options.js";
import { coalesce } from "./coalesce.js";
import type { Connection } from "./connection.js";
import type { SessionHub } from "./session-hub.js";

export interface TcpListenerOptions {
  host: string;
  port: number;
  /** Key, certificate and oldest version; without them the listener speaks plain TCP. */
  tls?: ServerTlsSettings;
  maxFrameBytes: number;
}

/** How long a closing socket may take to flush its last frames. */
const END_GRACE_MS = 2000;

/** The native protocol over TCP (TLS 1.2+ by default): varint length-prefixed envelopes. */
export async function startTcpListener(
  opts: TcpListenerOptions,
  hub: SessionHub,
  log: Logger,
): Promise<net.Server> {
  const onSocket = (socket: net.Socket) => {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const decoder = new FrameDecoder(opts.maxFrameBytes);
    let ended = false;
    const conn: Connection = {
      transport: "tcp",
      remoteAddress: socket.remoteAddress ?? "",
      send: (envelope) => {
        if (ended) return;
        coalesce(socket);
        socket.write(encodeFrame(envelope));
      },
      bufferedBytes: () => socket.writableLength,
      close: (code, reason) => {
        if (ended) return;
        const goodbye = encodeEnvelope({
          kind: {
            case: "push",
            value: { body: { case: "goodbye", value: { code, reason, reconnect: shouldReconnect(code) } } },
          },
        });
        socket.end(encodeFrame(goodbye));
        ended = true;
        setTimeout(() => socket.destroy(), END_GRACE_MS).unref();
      },
    };
    const session = hub.open(conn);
    if (!session) return;
    socket.on("data", (chunk: Buffer) => {
      if (ended) return; // after a framing error the rest of the stream is meaningless
      let frames: Uint8Array[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        conn.close(CloseCode.PROTOCOL_ERROR, err instanceof Error ? err.message : "bad frame");
        hub.closed(session);
        log.warn(
          { ip: conn.remoteAddress, err: err instanceof Error ? err.message : String(err) },
          "bad tcp framing",
        );
        return;
      }
      for (const f of frames) session.onFrame(f);
    });
    socket.on("error", () => {}); // "close" follows; resets by peers are routine
    socket.on("close", () => hub.closed(session));
  };
  const server = opts.tls
    ? tls.createServer(serverTlsOptions(opts.tls), onSocket)
    : net.createServer(onSocket);
  if (opts.tls) {
    server.on("tlsClientError", (err: Error, socket: tls.TLSSocket) => {
      log.debug({ ip: socket.remoteAddress, err: err.message }, "tls handshake failed");
    });
  }
  return listen(server, opts.port, opts.host);
}

import net from "node:net";
import type tls from "node:tls";
import { CloseCode, encodeEnvelope, encodeFrame, FrameDecoder, shouldReconnect } from "@starling/protocol";
import type { ConnectionTicket } from "../../core/kernel/connection-limiter.js";
import type { Logger } from "../../core/kernel/ports.js";
import { acceptTls } from "../net/accept-tls.js";
import { listen } from "../net/listen.js";
import { type ServerTlsSettings, serverSecureContext } from "../net/tls-options.js";
import { coalesce } from "./coalesce.js";
import type { Connection } from "./connection.js";
import type { SessionHub } from "./session-hub.js";

export interface TcpListenerOptions {
  host: string;
  port: number;
  /** Key, certificate and oldest version; without them the listener speaks plain TCP. */
  tls?: ServerTlsSettings;
  /** A socket that has not finished the TLS handshake in this time is closed. */
  tlsHandshakeTimeoutMs: number;
  maxFrameBytes: number;
}

/** How long a closing socket may take to flush its last frames. */
const END_GRACE_MS = 2000;

/** The native protocol over TCP (TLS by default): varint length-prefixed envelopes. */
export async function startTcpListener(
  opts: TcpListenerOptions,
  hub: SessionHub,
  log: Logger,
): Promise<net.Server> {
  const limiter = hub.core.connections;
  const serve = (socket: net.Socket | tls.TLSSocket, remoteAddress: string, ticket: ConnectionTicket) => {
    const decoder = new FrameDecoder(opts.maxFrameBytes);
    let ended = false;
    const conn: Connection = {
      transport: "tcp",
      remoteAddress,
      ticket,
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
    socket.on("close", () => hub.closed(session));
  };
  const context = opts.tls ? serverSecureContext(opts.tls) : undefined;
  const server = net.createServer((raw) => {
    raw.setNoDelay(true);
    raw.setKeepAlive(true, 60_000);
    raw.on("error", () => {}); // "close" follows; resets by peers are routine
    const remoteAddress = raw.remoteAddress ?? "";
    const ticket = limiter.admit(remoteAddress, "native-tcp", "session");
    raw.on("close", () => ticket.release());
    if (!context) {
      serve(raw, remoteAddress, ticket);
      return;
    }
    // Refused before the handshake: a flood of connections costs no cryptography.
    if (ticket.refusal) {
      raw.destroy();
      return;
    }
    const secure = acceptTls(raw, context, opts.tlsHandshakeTimeoutMs, () =>
      limiter.timedOut("tls handshake", remoteAddress, "native-tcp"),
    );
    secure.on("error", (err) => {
      log.debug({ ip: remoteAddress, err: err.message }, "tls handshake failed");
      raw.destroy();
    });
    secure.once("secure", () => serve(secure, remoteAddress, ticket));
  });
  return listen(server, opts.port, opts.host);
}

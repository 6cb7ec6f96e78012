import net from "node:net";
import type tls from "node:tls";
import type { ConnectionTicket } from "../../core/kernel/connection-limiter.js";
import type { Logger } from "../../core/kernel/ports.js";
import { acceptTls } from "../net/accept-tls.js";
import { listen } from "../net/listen.js";
import { type ServerTlsSettings, serverSecureContext } from "../net/tls-options.js";
import { NS, openTag, serialize, type XElement } from "./stanza.js";
import { XmlFaultError, XmlStreamParser } from "./xml-stream.js";
import type { XmppHub } from "./xmpp-hub.js";
import type { XmppSession } from "./xmpp-session.js";
import type { XmppTransport } from "./xmpp-transport.js";

export interface XmppListenerOptions {
  host: string;
  port: number;
  /** Key, certificate and oldest version for STARTTLS. */
  tls: ServerTlsSettings;
  /** After `<proceed/>`, a socket that has not finished the TLS handshake in this time is closed. */
  tlsHandshakeTimeoutMs: number;
}

/** How long a closing socket may take to flush its last bytes. */
const END_GRACE_MS = 2000;

/**
 * One TCP connection (RFC 6120): plain until STARTTLS (section 5), then the
 * same socket wrapped in TLS, with a fresh parser for each restarted stream.
 */
class TcpTransport implements XmppTransport {
  readonly kind = "tcp";
  readonly remoteAddress: string;
  readonly ticket: ConnectionTicket;
  readonly reachedHost: string;
  session!: XmppSession;
  private socket: net.Socket | tls.TLSSocket;
  private readonly parser: XmlStreamParser;
  private secure = false;
  private ended = false;
  /** Output not yet handed to the socket (see write). */
  private out = "";
  private flushing = false;

  constructor(
    private readonly raw: net.Socket,
    private readonly secureContext: tls.SecureContext,
    private readonly tlsHandshakeTimeoutMs: number,
    private readonly hub: XmppHub,
    private readonly log: Logger,
  ) {
    this.socket = raw;
    this.remoteAddress = raw.remoteAddress ?? "";
    this.reachedHost = (raw.localAddress ?? "").replace(/^::ffff:(?=\d+\.)/, "");
    this.ticket = hub.core.connections.admit(this.remoteAddress, "xmpp-tcp", "session");
    raw.on("close", () => this.ticket.release());
    this.parser = new XmlStreamParser(
      {
        streamOpen: (h) => this.session.streamOpened(h),
        element: (e) => this.session.element(e),
        streamClose: () => this.session.streamClosed(),
      },
      false,
      hub.config.maxStanzaChars,
    );
  }

  attach(session: XmppSession): void {
    this.session = session;
    this.listen(this.raw);
    this.raw.on("error", () => {}); // "close" follows; resets by peers are routine
    // The session that owns the connection when it ends, which a resume may have changed.
    this.raw.on("close", () => this.hub.closed(this.session, this));
  }

  rebind(session: XmppSession): void {
    this.session = session;
  }

  isSecure(): boolean {
    return this.secure;
  }

  canStartTls(): boolean {
    return !this.secure;
  }

  sendHeader(attrs: Record<string, string>): void {
    this.write(
      `<?xml version='1.0'?>${openTag("stream:stream", { xmlns: NS.client, "xmlns:stream": NS.stream, ...attrs })}`,
    );
  }

  send(e: XElement): void {
    this.write(serialize(e));
  }

  end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.socket.end("</stream:stream>");
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
  }

  startTls(): void {
    // <proceed/> goes out in the clear; from here on the raw bytes belong to TLS.
    this.flush();
    this.raw.removeAllListeners("data");
    const secure = acceptTls(this.raw, this.secureContext, this.tlsHandshakeTimeoutMs, () =>
      this.hub.core.connections.timedOut("tls handshake", this.remoteAddress, "xmpp-tcp"),
    );
    this.socket = secure;
    this.parser.reset();
    secure.on("secure", () => {
      this.secure = true;
      this.listen(secure);
    });
    secure.on("error", (err) => {
      this.log.debug({ ip: this.remoteAddress, err: err.message }, "xmpp starttls failed");
      this.raw.destroy();
    });
  }

  restartStream(): void {
    this.parser.reset();
  }

  bufferedBytes(): number {
    return this.socket.writableLength + this.out.length;
  }

  private listen(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => {
      if (this.ended) return;
      try {
        this.parser.write(chunk);
      } catch (err) {
        this.session.xmlFault(
          err instanceof XmlFaultError ? err : new XmlFaultError("not-well-formed", String(err)),
        );
      }
    });
  }

  /**
   * Output is gathered for the rest of the event-loop turn and written at
   * once: a burst of stanzas (a batch of messages fanned out together) then
   * costs one socket write and a few TLS records instead of one each.
   */
  private write(text: string): void {
    if (this.ended) return;
    this.out += text;
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    if (this.out === "") return;
    const text = this.out;
    this.out = "";
    if (!this.ended && !this.socket.destroyed) this.socket.write(text);
  }
}

/** XMPP client-to-server over TCP with STARTTLS required (RFC 6120). */
export async function startXmppListener(
  opts: XmppListenerOptions,
  hub: XmppHub,
  log: Logger,
): Promise<net.Server> {
  const secureContext = serverSecureContext(opts.tls);
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const transport = new TcpTransport(socket, secureContext, opts.tlsHandshakeTimeoutMs, hub, log);
    const session = hub.open(transport);
    if (session) transport.attach(session);
  });
  return listen(server, opts.port, opts.host);
}

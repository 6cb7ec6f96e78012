import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { ConnectionTicket } from "../../core/kernel/connection-limiter.js";
import type { Logger } from "../../core/kernel/ports.js";
import { NS, openTag, serialize, type XElement } from "./stanza.js";
import { type ParsedElement, XmlFaultError, XmlStreamParser } from "./xml-stream.js";
import type { XmppHub } from "./xmpp-hub.js";
import type { XmppSession } from "./xmpp-session.js";
import type { XmppTransport } from "./xmpp-transport.js";

/**
 * One WebSocket connection (RFC 7395): each text message is one complete
 * element, the stream opens and closes with `<open/>` and `<close/>` in the
 * framing namespace, and a restart is simply a new `<open/>`.
 */
class WsTransport implements XmppTransport {
  readonly kind = "ws";
  session!: XmppSession;
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    readonly remoteAddress: string,
    private readonly maxStanzaChars: number,
    readonly ticket: ConnectionTicket,
    readonly reachedHost: string,
  ) {}

  isSecure(): boolean {
    // The HTTP listener speaks plain HTTP; TLS in front of it is not visible from here.
    return false;
  }

  canStartTls(): boolean {
    return false;
  }

  sendHeader(attrs: Record<string, string>): void {
    this.write(openTag("open", { xmlns: NS.framing, ...attrs }, true));
  }

  send(e: XElement): void {
    this.write(serialize(e));
  }

  end(): void {
    if (this.ended) return;
    this.write(openTag("close", { xmlns: NS.framing }, true));
    this.ended = true;
    this.ws.close(1000);
  }

  startTls(): void {}

  rebind(session: XmppSession): void {
    this.session = session;
  }

  restartStream(): void {}

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** One WebSocket message: parsed on its own, then routed as a header, a close, or an element. */
  message(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    if (isBinary) {
      this.session.xmlFault(new XmlFaultError("not-well-formed", "binary frame"));
      return;
    }
    let root: ParsedElement | undefined;
    const parser = new XmlStreamParser(
      {
        streamOpen: () => {},
        element: (e) => {
          if (root) throw new XmlFaultError("not-well-formed", "one element per message");
          root = e;
        },
        streamClose: () => {},
      },
      true,
      this.maxStanzaChars,
    );
    try {
      parser.write(data);
      parser.end();
      if (!root) throw new XmlFaultError("not-well-formed", "an empty message");
    } catch (err) {
      this.session.xmlFault(
        err instanceof XmlFaultError ? err : new XmlFaultError("not-well-formed", String(err)),
      );
      return;
    }
    if (root.ns === NS.framing && root.name === "open") this.session.streamOpened(root);
    else if (root.ns === NS.framing && root.name === "close") this.session.streamClosed();
    else this.session.element(root);
  }

  private write(text: string): void {
    if (!this.ended) this.ws.send(text);
  }
}

/** XMPP over WebSocket at /xmpp on the HTTP listener (RFC 7395). */
export class XmppWsEndpoint {
  private readonly wss: WebSocketServer;

  constructor(
    private readonly hub: XmppHub,
    private readonly log: Logger,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      // Room for the largest stanza the stream parser accepts, in UTF-8.
      maxPayload: hub.config.maxStanzaChars * 3,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false),
    });
  }

  /** Handles an HTTP upgrade of /xmpp; clients must ask for the "xmpp" subprotocol (RFC 7395 section 3.1). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, remoteAddress: string): void {
    const offered = String(req.headers["sec-websocket-protocol"] ?? "")
      .split(",")
      .map((p) => p.trim());
    if (!offered.includes("xmpp")) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const address = remoteAddress;
      const ticket = this.hub.core.connections.admit(address, "xmpp-ws", "session");
      ws.on("close", () => ticket.release());
      const transport = new WsTransport(
        ws,
        address,
        this.hub.config.maxStanzaChars,
        ticket,
        hostOf(req.headers.host),
      );
      const session = this.hub.open(transport);
      if (!session) return;
      transport.session = session;
      // transport.session, not session: a resumed stream (XEP-0198) hands the connection to another one.
      ws.on("message", (data, isBinary) => {
        const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        transport.message(bytes, isBinary);
      });
      ws.on("error", (err) => {
        this.log.warn({ ip: transport.remoteAddress, err: err.message }, "xmpp websocket error");
      });
      ws.on("close", () => this.hub.closed(transport.session, transport));
    });
  }

  close(): void {
    this.wss.close();
  }
}

/** A Host header without its port: `[::1]:8080` -> `::1`, `chat.example.com:8080` -> `chat.example.com`. */
function hostOf(header: string | undefined): string {
  const h = (header ?? "").trim();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") > 0 ? h.indexOf("]") : undefined);
  return h.replace(/:\d*$/, "");
}

import type { ConnectionTicket } from "../../core/kernel/connection-limiter.js";
import type { XElement } from "./stanza.js";
import type { XmppSession } from "./xmpp-session.js";

/** What a session needs from its transport (TCP with STARTTLS, or WebSocket). */
export interface XmppTransport {
  readonly kind: "tcp" | "ws";
  readonly remoteAddress: string;
  /** The connection's place in the node's per-address counts; the transport releases it on close. */
  readonly ticket: ConnectionTicket;
  /**
   * The host the client reached: the WebSocket request's Host (without the
   * port), or the address a TCP connection came in on. URLs for this client
   * use it when no public host is configured, so they work on one machine.
   */
  readonly reachedHost: string;
  /** TLS protects the connection. */
  isSecure(): boolean;
  /** TCP before STARTTLS. */
  canStartTls(): boolean;
  /** The server's stream header (`<stream:stream>` or `<open/>`). */
  sendHeader(attrs: Record<string, string>): void;
  send(e: XElement): void;
  /** Ends the stream (`</stream:stream>` or `<close/>`) and the connection. */
  end(): void;
  /** After `<proceed/>`: negotiates TLS, then reads a restarted stream. */
  startTls(): void;
  /** Reads a restarted stream from the next byte on (after SASL success). */
  restartStream(): void;
  bufferedBytes(): number;
  /**
   * From now on this connection's input, and its end, go to `session`: a
   * stream that resumed an earlier session (XEP-0198 section 5) carries on
   * as that session.
   */
  rebind(session: XmppSession): void;
}

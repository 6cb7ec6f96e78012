import type { UploadSlots } from "../../core/files/upload-slots.js";
import { MAX_STANZA_SIZE } from "./xml-stream.js";

/** HTTP file upload (XEP-0363): the slots, and where clients reach the HTTP server. */
export interface XmppUpload {
  slots: UploadSlots;
  /**
   * The HTTP server's base URL for a domain's clients, `http://host:port`
   * without a trailing slash; asked each time, as it is known only once the
   * HTTP server listens. `reachedHost` is where the client reached the
   * gateway, the host it can reach without any public host configured.
   */
  baseUrl(domain: string, reachedHost: string): string;
}

/** Per-connection limits and timings of the XMPP gateway, and the services it hands out. */
export interface XmppConfig {
  /** Top-level elements per second one connection may send (sustained). */
  stanzasPerSecond: number;
  stanzaBurst: number;
  /** A connection that lets this much unsent output pile up is closed. */
  maxBufferedBytes: number;
  /** The largest stanza accepted, in characters; main derives it from the longest text allowed. */
  maxStanzaChars: number;
  /** From connecting to a bound resource. */
  loginTimeoutMs: number;
  /** Without it, the upload service answers service-unavailable and attachments have no URLs. */
  upload?: XmppUpload;
  /**
   * How long a session with resumable stream management (XEP-0198) outlives
   * a dropped connection, waiting for the client to resume it; 0 offers no
   * resumption (acknowledgements only).
   */
  resumeTimeoutMs: number;
  /** Stanzas sent and not yet acknowledged that a stream-managed session may hold. */
  maxUnackedStanzas: number;
  /** An ack request (`<r/>`) goes out after this many stanzas... */
  ackRequestEvery: number;
  /** ...or this long after the first stanza not yet covered by one. */
  ackRequestDelayMs: number;
}

export const DEFAULT_XMPP_CONFIG: XmppConfig = {
  stanzasPerSecond: 500,
  stanzaBurst: 1000,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxStanzaChars: MAX_STANZA_SIZE,
  loginTimeoutMs: 30_000,
  resumeTimeoutMs: 300_000,
  maxUnackedStanzas: 5000,
  ackRequestEvery: 20,
  ackRequestDelayMs: 1000,
};

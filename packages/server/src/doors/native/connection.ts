import type { CloseCode } from "@starling/protocol";
import type { ConnectionTicket } from "../../core/kernel/connection-limiter.js";

/** What a session needs from its transport (TCP/TLS or WebSocket). */
export interface Connection {
  readonly transport: "tcp" | "ws";
  readonly remoteAddress: string;
  /** The connection's place in the node's per-address counts; the transport releases it on close. */
  readonly ticket: ConnectionTicket;
  /** Writes one encoded Envelope; the transport adds its own framing. */
  send(envelope: Uint8Array): void;
  /** Bytes queued in the kernel/user-space buffers and not yet written. */
  bufferedBytes(): number;
  /** Tells the client why (Goodbye on TCP, the close status on WebSocket) and closes. */
  close(code: CloseCode, reason: string): void;
}

import type { CloseCode } from "@starling/protocol";

/** What a session needs from its transport (TCP/TLS or WebSocket). */
export interface Connection {
  readonly transport: "tcp" | "ws";
  readonly remoteAddress: string;
  /** Writes one encoded Envelope; the transport adds its own framing. */
  send(envelope: Uint8Array): void;
  /** Bytes queued in the kernel/user-space buffers and not yet written. */
  bufferedBytes(): number;
  /** Tells the client why (Goodbye on TCP, the close status on WebSocket) and closes. */
  close(code: CloseCode, reason: string): void;
}

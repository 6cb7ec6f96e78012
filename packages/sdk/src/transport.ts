/** How a transport ended. */
export interface TransportClose {
  /** WebSocket close status; 0 when there was none (a dropped link, TCP). */
  code: number;
  reason: string;
  /** The socket error that ended it, if any. */
  error?: Error;
}

export interface TransportHandlers {
  /** One whole encoded Envelope (the transport removes any framing). */
  frame(bytes: Uint8Array): void;
  /** Called once, only for a transport whose connect() resolved. */
  close(info: TransportClose): void;
}

/**
 * A byte pipe carrying one Envelope per frame. The client sees nothing else
 * of the network, so TCP, WebSocket and test transports are interchangeable.
 */
export interface Transport {
  /** Opens the link; rejects if it cannot be opened. Called at most once. */
  connect(handlers: TransportHandlers): Promise<void>;
  /** Sends one encoded Envelope. Ignored once closed. */
  send(bytes: Uint8Array): void;
  /**
   * Closes the link, resolving once the socket is gone. `close` handlers are
   * not called for a close the client asked for.
   */
  close(code?: number, reason?: string): Promise<void>;
}

/** Makes a transport for one endpoint URL such as "tls://chat.example.com:5202". */
export type TransportFactory = (endpoint: string) => Transport;

import type { BackoffOptions } from "./backoff.js";
import type { Compressor } from "./compression.js";
import type { ClientAuth } from "./credentials.js";
import type { SyncState } from "./sync-state.js";
import type { Timers } from "./timers.js";
import type { TransportFactory } from "./transport.js";

export interface DeviceInfo {
  /** e.g. "browser", "node", "ios". */
  platform?: string;
  appVersion?: string;
  /** Stable per installation; a random id per client when not given. */
  deviceId?: string;
}

export interface ClientOptions {
  /**
   * The cluster's nodes, e.g. ["tls://im1.corp:5202", "tls://im2.corp:5202"]: each round tries
   * every one, in an order drawn at random and weighted by recent failures.
   */
  endpoints: string[];
  auth: ClientAuth;
  device?: DeviceInfo;
  /** Backoff between reconnect rounds; false: a dropped connection closes the client. */
  reconnect?: BackoffOptions | false;
  /** Bound on each request, including time spent waiting for a connection. Default 15000. */
  requestTimeoutMs?: number;
  /** Bound on opening a connection and receiving Welcome. Default 10000. */
  connectTimeoutMs?: number;
  /** Device state from syncState() of an earlier run, to resume without gaps or repeats. */
  state?: SyncState;
  /** Mark messages from others delivered (batched) once emitted. Default true. */
  autoDelivered?: boolean;
  /** A device without state replays every conversation from seq 1 instead of starting at its end. */
  catchUpFromStart?: boolean;
  /** Sends pipelined on one connection. Default 32; 1 keeps strict order even across throttling. */
  maxSendsInFlight?: number;
  /** A sync pass this long after the last one, to find pushes lost on a live link. 0: never. Default 300000. */
  syncIntervalMs?: number;
  /** Conversations per Sync page. Default 200. */
  syncPageLimit?: number;
  /** Entries per directory page in directory.sync(). Default 2000 (the server's most). */
  directoryPageLimit?: number;
  /** Makes the transport for an endpoint. Default: the platform WebSocket (ws:// and wss:// only). */
  transport?: TransportFactory;
  /** Offered to the server for large frames. Default: none. */
  compressor?: Compressor;
  /** Clock and timers, replaceable in tests. */
  timers?: Timers;
}

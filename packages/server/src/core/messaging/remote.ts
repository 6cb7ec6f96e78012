import type { MessageRecord } from "../kernel/records.js";

/** What `RemotePeers.check` is told of a message to another server. */
export interface OutgoingMessage {
  senderId: string;
  /** The encoded Content as it would be stored. */
  content: Uint8Array;
  hasAttachments: boolean;
}

/**
 * How the send pipeline reaches users of other servers (federation's direct
 * messages implement it). Every call but `reaches` and `queued` runs inside
 * the send's own transaction (`Tx`), so a message is queued for the peer if and
 * only if it is stored here.
 */
export interface RemotePeers<Tx> {
  /** Whether `senderId` may try users of `peerDomain` at all (no store read: checked as a send arrives). */
  reaches(senderId: string, peerDomain: string): boolean;
  /**
   * Throws the typed error that refuses the message to `peerId` (no link, suspended, sender not
   * admitted, content the link cannot carry), before anything is stored.
   */
  check(tx: Tx, message: OutgoingMessage, peerId: string): Promise<void>;
  /** Queues the stored message for the peer's server. */
  enqueue(tx: Tx, row: MessageRecord, peerId: string): Promise<void>;
  /** After the commit: wakes the sender of the peer's link. */
  queued(peerDomain: string): void;
}

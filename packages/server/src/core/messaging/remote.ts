import type { MessageRecord } from "../kernel/records.js";

/**
 * How the send pipeline reaches users of other servers (federation's direct
 * messages implement it). Every call but `reaches` and `queued` runs inside
 * the send's own transaction (`Tx`), so a message is queued for the peer if and
 * only if it is stored here.
 */
export interface RemotePeers<Tx> {
  /** Whether `senderId` may try users of `peerDomain` at all (no store read: checked as a send arrives). */
  reaches(senderId: string, peerDomain: string): boolean;
  /** Throws the typed error that refuses the message from `senderId` to `peerId` (no link, suspended, not admitted). */
  check(tx: Tx, senderId: string, peerId: string): Promise<void>;
  /** Queues the stored message for the peer's server. */
  enqueue(tx: Tx, row: MessageRecord, peerId: string): Promise<void>;
  /** After the commit: wakes the sender of the peer's link. */
  queued(peerDomain: string): void;
}

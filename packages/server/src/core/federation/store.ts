import type { FederationFrameRecord, FederationLinkRecord } from "../kernel/records.js";
import type { AuditWriter, StorePort } from "../kernel/shared-store.js";

/** A "ping" frame as the receiving side stored it. */
export interface FederationPingRecord {
  peerDomain: string;
  seq: number;
  body: string;
  receivedAt: number;
}

/** Federation's reads: links, the outbox, the inbox marks. */
export interface FederationReads {
  getFederationLink(peerDomain: string): Promise<FederationLinkRecord | undefined>;
  listFederationLinks(): Promise<FederationLinkRecord[]>;
  /** Frames to the peer after `afterSeq`, in seq order, at most `limit`. */
  federationOutboxAfter(
    peerDomain: string,
    afterSeq: number,
    limit: number,
  ): Promise<FederationFrameRecord[]>;
  /** Frames to the peer not yet acknowledged. */
  federationOutboxDepth(peerDomain: string): Promise<number>;
  /** The highest seq applied of what the peer sent (0: none). */
  federationInboxMark(peerDomain: string): Promise<number>;
  /** The pings received from the peer, in seq order. */
  listFederationPings(peerDomain: string): Promise<FederationPingRecord[]>;
}

export interface FederationWrites {
  /** Inserts the link with its outbox counter and inbox mark at 0; false if one to the peer exists. */
  insertFederationLink(link: FederationLinkRecord): Promise<boolean>;
  setFederationLinkState(peerDomain: string, state: FederationLinkRecord["state"], at: number): Promise<void>;
  /** Removes the link, its queued frames and its inbox mark. */
  deleteFederationLink(peerDomain: string): Promise<void>;
  /**
   * The link's next outbox seq, taken on the link's row (which a concurrent
   * enqueuer then waits for), so seqs have no gaps and no duplicates.
   */
  nextFederationSeq(peerDomain: string): Promise<number>;
  insertFederationFrame(frame: FederationFrameRecord): Promise<void>;
  /** Deletes the frames to the peer up to and including `seq`. */
  deleteFederationFramesThrough(peerDomain: string, seq: number): Promise<void>;
  /** Moves the mark from `from` to `to`; false if it was not at `from` (another connection moved it). */
  advanceFederationInboxMark(peerDomain: string, from: number, to: number): Promise<boolean>;
  insertFederationPing(ping: FederationPingRecord): Promise<void>;
}

export interface FederationTx extends FederationReads, FederationWrites, AuditWriter {}

/** The store as federation sees it. */
export type FederationStore = StorePort<FederationReads, FederationTx>;

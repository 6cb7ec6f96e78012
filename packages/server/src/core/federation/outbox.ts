import { ErrorCode, invalid, StarlingError } from "../kernel/errors.js";
import { FEDERATION_LIMITS } from "../kernel/limits.js";
import type { Clock, Random } from "../kernel/ports.js";
import type { FederationFrameRecord } from "../kernel/records.js";
import type { FederationStore, FederationTx } from "./store.js";

const KIND = /^[a-z][a-z0-9_.-]*$/;

/**
 * The frames each peer is still to be sent. A change that must reach a peer
 * enqueues its frame in the change's own transaction, so the frame is queued
 * if and only if the change committed; the sender reads them back in seq
 * order and deletes them once the peer acknowledges.
 */
export class FederationOutbox {
  private readonly listeners: ((peerDomain: string) => void)[] = [];

  constructor(
    private readonly store: FederationStore,
    private readonly clock: Clock,
    private readonly random: Random,
    /** The largest payload a frame may carry (from federation.maxFrameBytes). */
    readonly maxPayloadBytes: number,
  ) {}

  /** Told of a peer with new frames, once the transaction that queued them committed. */
  onQueued(listener: (peerDomain: string) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Queues a frame inside the caller's transaction; returns its seq. Refused
   * when there is no link to the peer or it is suspended: nothing would send it.
   */
  async enqueue(tx: FederationTx, peerDomain: string, kind: string, payload: Uint8Array): Promise<number> {
    if (kind.length > FEDERATION_LIMITS.kindLength || !KIND.test(kind))
      throw invalid("bad frame kind", "kind");
    if (payload.length > this.maxPayloadBytes)
      throw new StarlingError(ErrorCode.FRAME_TOO_LARGE, "the frame exceeds federation.maxFrameBytes", {
        details: { limit: String(this.maxPayloadBytes), size: String(payload.length) },
      });
    const link = await tx.getFederationLink(peerDomain);
    if (!link) throw new StarlingError(ErrorCode.FEDERATION_NOT_LINKED, `no link to ${peerDomain}`);
    if (link.state !== "active")
      throw new StarlingError(ErrorCode.FEDERATION_LINK_SUSPENDED, `the link to ${peerDomain} is suspended`);
    const seq = await tx.nextFederationSeq(peerDomain);
    await tx.insertFederationFrame({
      id: Buffer.from(this.random.bytes(12)).toString("hex"),
      peerDomain,
      seq,
      kind,
      payload,
      createdAt: this.clock.now(),
    });
    return seq;
  }

  /** Enqueues in a transaction of its own and wakes the sender once it committed. */
  async send(peerDomain: string, kind: string, payload: Uint8Array): Promise<number> {
    const seq = await this.store.transaction((tx) => this.enqueue(tx, peerDomain, kind, payload));
    this.queued(peerDomain);
    return seq;
  }

  /** For callers that enqueued in their own transaction: call after it committed. */
  queued(peerDomain: string): void {
    for (const l of this.listeners) l(peerDomain);
  }

  /** Frames after `afterSeq`, in order, a batch at a time. */
  pending(peerDomain: string, afterSeq: number): Promise<FederationFrameRecord[]> {
    return this.store.read.federationOutboxAfter(peerDomain, afterSeq, FEDERATION_LIMITS.sendBatch);
  }

  depth(peerDomain: string): Promise<number> {
    return this.store.read.federationOutboxDepth(peerDomain);
  }

  /** The peer applied everything up to `seq`: those frames are not needed any more. */
  async acknowledged(peerDomain: string, seq: number): Promise<void> {
    await this.store.transaction((tx) => tx.deleteFederationFramesThrough(peerDomain, seq));
  }
}

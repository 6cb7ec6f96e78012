import { ErrorCode, StarlingError } from "../kernel/errors.js";
import type { FederationStore, FederationTx } from "./store.js";

/** Applies one kind of frame, inside the transaction that advances the inbox mark. */
export type FrameHandler = (
  tx: FederationTx,
  peerDomain: string,
  seq: number,
  payload: Uint8Array,
) => Promise<void>;

/** Frames as a peer sent them. */
export interface InboundFrame {
  seq: number;
  kind: string;
  payload: Uint8Array;
}

/**
 * Applies what a peer sends, each seq once and in order: in one transaction
 * the frame's handler runs and the peer's mark moves to its seq, so after a
 * crash either both happened or neither did. A seq at or below the mark was
 * applied already (a resend after a lost ack) and is only acknowledged again;
 * a seq beyond the next is refused, so nothing is applied out of order.
 */
export class FederationInbox {
  private readonly handlers = new Map<string, FrameHandler>();

  constructor(private readonly store: FederationStore) {}

  /** Registers the handler of a frame kind; one per kind. */
  register(kind: string, handler: FrameHandler): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for federation frames of kind ${kind} exists`);
    this.handlers.set(kind, handler);
  }

  /** The highest seq applied of what the peer sent. */
  mark(peerDomain: string): Promise<number> {
    return this.store.read.federationInboxMark(peerDomain);
  }

  /**
   * Applies the frame; "duplicate" when it was applied before. Throws
   * FEDERATION_SEQ_GAP or FEDERATION_UNKNOWN_KIND, with nothing applied.
   */
  async apply(peerDomain: string, frame: InboundFrame): Promise<"applied" | "duplicate"> {
    const handler = this.handlers.get(frame.kind);
    return this.store.transaction(async (tx) => {
      const mark = await tx.federationInboxMark(peerDomain);
      if (frame.seq <= mark) return "duplicate";
      if (frame.seq !== mark + 1)
        throw new StarlingError(ErrorCode.FEDERATION_SEQ_GAP, "frames must arrive in seq order", {
          details: { expected: String(mark + 1), got: String(frame.seq) },
        });
      if (!handler)
        throw new StarlingError(ErrorCode.FEDERATION_UNKNOWN_KIND, "no handler for this frame kind", {
          details: { kind: frame.kind.slice(0, 32) },
        });
      await handler(tx, peerDomain, frame.seq, frame.payload);
      // Conditional on the mark read above: a second connection of the same peer applying the
      // same seq concurrently loses here and its transaction is rolled back.
      if (!(await tx.advanceFederationInboxMark(peerDomain, mark, frame.seq)))
        throw new StarlingError(ErrorCode.CONFLICT, "the frame was applied meanwhile");
      return "applied";
    });
  }
}

import { ErrorCode, StarlingError } from "../kernel/errors.js";
import type { StorePort } from "../kernel/shared-store.js";
import type { FederationReads, FederationTx } from "./store.js";

/**
 * Applies one kind of frame, inside the transaction that advances the inbox
 * mark. What it returns, if anything, runs once that transaction committed
 * (telling local sessions of what it stored).
 */
export type FrameHandler<Tx extends FederationTx = FederationTx> = (
  tx: Tx,
  peerDomain: string,
  seq: number,
  payload: Uint8Array,
) => Promise<undefined | (() => void)>;

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
/** A registered handler; a method, so an inbox of a wider transaction still passes for a narrower one. */
interface Registered<Tx> {
  run(tx: Tx, peerDomain: string, seq: number, payload: Uint8Array): Promise<undefined | (() => void)>;
}

export class FederationInbox<Tx extends FederationTx = FederationTx> {
  private readonly handlers = new Map<string, Registered<Tx>>();

  constructor(private readonly store: StorePort<FederationReads, Tx>) {}

  /** Registers the handler of a frame kind; one per kind. */
  register(kind: string, handler: FrameHandler<Tx>): void {
    if (this.handlers.has(kind)) throw new Error(`a handler for federation frames of kind ${kind} exists`);
    this.handlers.set(kind, { run: handler });
  }

  /** The highest seq applied of what the peer sent. */
  mark(peerDomain: string): Promise<number> {
    return this.store.read.federationInboxMark(peerDomain);
  }

  /**
   * Applies the frame; "duplicate" when it was applied before. Throws
   * FEDERATION_NOT_LINKED or FEDERATION_LINK_SUSPENDED (the link as it is now),
   * FEDERATION_SEQ_GAP or FEDERATION_UNKNOWN_KIND, with nothing applied.
   */
  async apply(peerDomain: string, frame: InboundFrame): Promise<"applied" | "duplicate"> {
    const handler = this.handlers.get(frame.kind);
    let committed: (() => void) | undefined;
    const outcome = await this.store.transaction(async (tx) => {
      // Read with the frame, so a link suspended or removed while a connection of the peer was
      // open applies nothing more from then on; the peer resends after a resume.
      const link = await tx.getFederationLink(peerDomain);
      if (!link) throw new StarlingError(ErrorCode.FEDERATION_NOT_LINKED, "no link to this domain");
      if (link.state !== "active")
        throw new StarlingError(ErrorCode.FEDERATION_LINK_SUSPENDED, "the link is suspended");
      const mark = await tx.federationInboxMark(peerDomain);
      if (frame.seq <= mark) return "duplicate" as const;
      if (frame.seq !== mark + 1)
        throw new StarlingError(ErrorCode.FEDERATION_SEQ_GAP, "frames must arrive in seq order", {
          details: { expected: String(mark + 1), got: String(frame.seq) },
        });
      if (!handler)
        throw new StarlingError(ErrorCode.FEDERATION_UNKNOWN_KIND, "no handler for this frame kind", {
          details: { kind: frame.kind.slice(0, 32) },
        });
      committed = await handler.run(tx, peerDomain, frame.seq, frame.payload);
      // Conditional on the mark read above: a second connection of the same peer applying the
      // same seq concurrently loses here and its transaction is rolled back.
      if (!(await tx.advanceFederationInboxMark(peerDomain, mark, frame.seq)))
        throw new StarlingError(ErrorCode.CONFLICT, "the frame was applied meanwhile");
      return "applied" as const;
    });
    if (outcome === "applied") committed?.();
    return outcome;
  }
}

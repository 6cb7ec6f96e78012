import type { LogThrottle } from "../../core/kernel/log-throttle.js";
import type { Metrics } from "../../core/kernel/metrics.js";
import type { Logger } from "../../core/kernel/ports.js";

/** Refusal reasons, as counted in starling_federation_refused_total. */
export type RefusalReason =
  | "not_linked"
  | "suspended"
  | "bad_certificate"
  | "domain_mismatch"
  | "seq_gap"
  | "unknown_kind"
  | "too_large"
  | "rate_limited"
  | "bad_frame"
  | "handshake_timeout";

/**
 * What both directions of a link report: metrics per peer, and refusals as
 * log lines held to one per reason per window, so a peer that keeps knocking
 * with a bad certificate costs a few lines. `peer` is a linked domain or
 * "unknown", never a name a stranger chose: it labels a metric and keys the
 * log throttle, and both must stay a small set.
 */
export class LinkEvents {
  constructor(
    readonly log: Logger,
    readonly metrics: Metrics,
    private readonly throttle: LogThrottle,
  ) {}

  refused(peer: string, reason: RefusalReason, fields: object): void {
    this.metrics.inc("starling_federation_refused_total", { peer, reason });
    this.throttle.warn(`federation refused: ${reason}`, { peer, reason, ...fields });
  }
}

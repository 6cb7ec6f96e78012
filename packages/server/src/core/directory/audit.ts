import type { Clock, Random } from "../kernel/ports.js";
import type { AuditWriter } from "../kernel/shared-store.js";

/** Who is acting and from where, for the audit log. */
export interface AuditContext {
  /** A user id, or "system" for the local admin key and the CLI. */
  actor: string;
  /** The client address, or "cli". */
  source: string;
}

/** Keys never written to the audit log, whatever an action passes. */
const SECRET = /password|token|secret/i;

/**
 * Records administrative actions inside the transaction that performs them,
 * so the log holds exactly the changes that happened.
 */
export class Auditor {
  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async record(
    tx: AuditWriter,
    ctx: AuditContext,
    domain: string,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const clean = Object.fromEntries(Object.entries(details).filter(([k]) => !SECRET.test(k)));
    const at = this.clock.now();
    await tx.insertAudit({
      // Sorts by time; the random part keeps ids of one millisecond apart.
      id: `${at.toString(36).padStart(9, "0")}-${Buffer.from(this.random.bytes(8)).toString("hex")}`,
      at,
      domain,
      actor: ctx.actor,
      action,
      target,
      source: ctx.source.slice(0, 100),
      details: JSON.stringify(clean).slice(0, 4000),
    });
  }
}

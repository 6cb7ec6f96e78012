import { ErrorCode, StarlingError } from "@starling/protocol";
import type { Logger } from "../../core/kernel/ports.js";

/** Error codes that mean "the database cannot write now", as opposed to a refused statement. */
const SQLITE_CANNOT_WRITE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|NOMEM|WORKER_STOPPED)/;
const ERRNO_CANNOT_WRITE = new Set([
  "ENOSPC",
  "EDQUOT",
  "EIO",
  "EROFS",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
/**
 * PostgreSQL SQLSTATEs: 08 connection exceptions, 53 insufficient resources (53100 disk_full),
 * 57P01-57P03 shutting down or not accepting connections, 58 system errors (58030 io_error),
 * 25006 a read-only transaction (a standby).
 */
const PG_CANNOT_WRITE = /^(08|53|58)...$|^57P0[123]$|^25006$/;

/**
 * Why a failed write means the store as a whole cannot write (its error code, e.g.
 * SQLITE_FULL or 53100), or undefined for a failure of that one statement.
 */
export function cannotWriteCause(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  if (SQLITE_CANNOT_WRITE.test(code) || ERRNO_CANNOT_WRITE.has(code) || PG_CANNOT_WRITE.test(code))
    return code;
  // node-postgres reports a dropped connection without a code.
  if (typeof e?.message === "string" && /^Connection terminated/.test(e.message))
    return "CONNECTION_TERMINATED";
  return undefined;
}

export interface WriteHealthOptions {
  log?: Logger;
  /** How often a failing store tries a small write to learn that it recovered. */
  probeIntervalMs: number;
  /** One small write transaction: resolves if the store can write again. */
  probe(): Promise<void>;
}

/**
 * Whether the store can write, learnt from the outcome of every write
 * transaction. A failure episode starts at the first write that fails for a
 * cause that is the store's (a full disk, an I/O error, a lost database
 * connection) and is logged once, with that cause; it ends at the first write
 * that commits again. While it lasts, a probe writes every probeIntervalMs,
 * so the store recovers by itself even when nothing else writes (a node taken
 * out of rotation because it is not ready gets no traffic to recover from).
 */
export class WriteHealth {
  private failing: { since: number; cause: string; failures: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: WriteHealthOptions) {}

  health(): { ok: boolean; detail?: string } {
    const f = this.failing;
    return f ? { ok: false, detail: `cannot write: ${f.cause}` } : { ok: true };
  }

  /** A write transaction committed. */
  succeeded(): void {
    const f = this.failing;
    if (!f) return;
    this.failing = undefined;
    this.stopProbe();
    this.opts.log?.info(
      { cause: f.cause, failedWrites: f.failures, forMs: Date.now() - f.since },
      "the database can write again",
    );
  }

  /**
   * A write transaction failed. Returns the retryable error that callers get
   * when the cause is the store's, or undefined to let the original error through.
   */
  failed(err: unknown): StarlingError | undefined {
    const cause = cannotWriteCause(err);
    if (!cause) return undefined;
    if (this.failing) this.failing.failures++;
    else {
      this.failing = { since: Date.now(), cause, failures: 1 };
      this.opts.log?.error(
        { err, cause },
        `the database cannot write (${cause}): writes are refused as retryable until it can`,
      );
      this.startProbe();
    }
    return new StarlingError(ErrorCode.UNAVAILABLE, "the database cannot store this now", {
      retryAfterMs: this.opts.probeIntervalMs,
    });
  }

  close(): void {
    this.closed = true;
    this.stopProbe();
  }

  private startProbe(): void {
    if (this.closed || this.timer) return;
    // One probe at a time: the next is scheduled when the last has ended, however long it took.
    const timer = setTimeout(() => {
      this.opts
        .probe()
        .catch(() => {}) // counted by failed(); a probe that commits ends the episode
        .finally(() => {
          if (this.timer !== timer) return;
          this.timer = undefined;
          if (this.failing) this.startProbe();
        });
    }, this.opts.probeIntervalMs);
    timer.unref();
    this.timer = timer;
  }

  private stopProbe(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

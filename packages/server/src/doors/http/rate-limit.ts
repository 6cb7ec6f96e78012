import { ErrorCode, StarlingError } from "@starling/protocol";
import type { FastifyInstance } from "fastify";
import type { Metrics } from "../../core/kernel/metrics.js";
import { TokenBucket } from "../../core/kernel/token-bucket.js";

export interface HttpRateLimit {
  requestsPerSecond: number;
  burst: number;
}

/** Addresses tracked at most; past this the idle ones are forgotten. */
const MAX_TRACKED = 10_000;
/** An address silent this long starts again with a full bucket. */
const IDLE_MS = 60_000;

/**
 * A token bucket per client address for every /api request, so no client
 * can monopolise the HTTP API (logins have their own, stricter lockout).
 * Beyond it: RATE_LIMITED (HTTP 429) with Retry-After.
 */
export function registerRateLimit(
  app: FastifyInstance,
  limit: HttpRateLimit,
  metrics: Metrics,
  now: () => number = Date.now,
): void {
  const buckets = new Map<string, { bucket: TokenBucket; seen: number }>();
  const sweep = setInterval(() => {
    const t = now();
    for (const [ip, b] of buckets) if (t - b.seen > IDLE_MS) buckets.delete(ip);
  }, IDLE_MS);
  sweep.unref();
  app.addHook("onClose", async () => clearInterval(sweep));
  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/")) return;
    const t = now();
    let entry = buckets.get(req.ip);
    if (!entry) {
      if (buckets.size >= MAX_TRACKED) buckets.clear();
      entry = { bucket: new TokenBucket(limit.requestsPerSecond, limit.burst, t), seen: t };
      buckets.set(req.ip, entry);
    }
    entry.seen = t;
    if (!entry.bucket.take(t)) {
      metrics.inc("starling_rate_limited_total", { door: "http" });
      const wait = entry.bucket.waitMs();
      reply.header("retry-after", String(Math.max(1, Math.ceil(wait / 1000))));
      throw new StarlingError(ErrorCode.RATE_LIMITED, "too many requests", { retryAfterMs: wait });
    }
  });
}

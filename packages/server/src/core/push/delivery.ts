import type { LogThrottle } from "../kernel/log-throttle.js";
import type { Metrics } from "../kernel/metrics.js";
import type { Clock, Logger, Random } from "../kernel/ports.js";
import type { PushDeviceRecord } from "../kernel/records.js";
import { TokenBucket } from "../kernel/token-bucket.js";
import type { PushNotification, PushOutcome, PushProvider, PushTarget } from "./provider.js";
import type { PushStore } from "./store.js";

export interface DeliverySettings {
  /** Requests per second to each provider (token bucket, as much burst). */
  ratePerSecond: number;
  /** Tries of one notification, the first included; rate_limited and retryable are tried again. */
  maxAttempts: number;
  /** The first retry's delay; each further one doubles it, with jitter. */
  retryBaseMs: number;
  /** Notifications waiting for their provider, all providers together; more are dropped. */
  queueLimit: number;
}

interface Job {
  device: PushDeviceRecord;
  notification: PushNotification;
  attempt: number;
}

interface Lane {
  provider: PushProvider;
  bucket: TokenBucket;
  queue: Job[];
  inFlight: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
  /** A pump is scheduled for the next turn of the event loop. */
  soon: boolean;
}

/** Requests in flight to one provider at once: enough to use HTTP/2 multiplexing, bounded. */
const MAX_IN_FLIGHT = 64;
/** The longest wait before a retry, whatever the provider asks. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;
/** A registration's last use is written again after this long, not at every notification. */
const TOUCH_EVERY_MS = 3600_000;
/** Registrations whose last touch is remembered here, at most. */
const REMEMBERED_TOUCHES = 100_000;
/** Outcomes are written to the store at most this often, in one transaction each kind. */
const FLUSH_MS = 200;

/**
 * Hands notifications to their provider: per provider a queue drained at
 * its rate, retries with exponential backoff and full jitter (honouring the
 * provider's Retry-After), and the answers kept: dead tokens removed, used
 * ones touched, both in batches. Never throws to its callers.
 */
export class PushDelivery {
  private readonly lanes = new Map<string, Lane>();
  private readonly retries = new Set<ReturnType<typeof setTimeout>>();
  private readonly sending = new Set<Promise<void>>();
  private readonly touched = new Set<string>();
  /** When this node last touched a registration, oldest first, bounded. */
  private readonly lastTouch = new Map<string, number>();
  private readonly dead = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private waiting = 0;
  private closed = false;

  constructor(
    providers: readonly PushProvider[],
    private readonly settings: DeliverySettings,
    private readonly store: PushStore,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: Logger,
    private readonly throttle: LogThrottle,
    private readonly metrics: Metrics,
    /** Told of registrations removed because their token died. */
    private readonly onDead: (ids: ReadonlySet<string>) => void,
  ) {
    const now = clock.now();
    for (const provider of providers)
      this.lanes.set(provider.name, {
        provider,
        bucket: new TokenBucket(settings.ratePerSecond, settings.ratePerSecond, now),
        queue: [],
        inFlight: 0,
        soon: false,
      });
  }

  has(provider: string): boolean {
    return this.lanes.has(provider);
  }

  /** Notifications queued or being sent. */
  depth(): number {
    return this.waiting;
  }

  /** Queues one notification; false when it was dropped (queue full, unknown provider, closed). */
  enqueue(device: PushDeviceRecord, notification: PushNotification): boolean {
    const lane = this.lanes.get(device.provider);
    if (!lane || this.closed) return false;
    if (this.waiting >= this.settings.queueLimit) {
      this.metrics.inc("starling_push_total", { provider: device.provider, outcome: "dropped" });
      this.throttle.warn("push queue full: notifications dropped", { limit: this.settings.queueLimit });
      return false;
    }
    this.waiting++;
    lane.queue.push({ device, notification, attempt: 0 });
    this.pumpSoon(lane);
    return true;
  }

  /**
   * Stops retries and waits up to `graceMs` for what is in flight, then writes
   * the outcomes. Whatever is still queued is dropped: push promises nothing.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      this.waiting -= lane.queue.length;
      lane.queue = [];
    }
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.sending]),
      new Promise((r) => {
        grace = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(grace);
    clearTimeout(this.flushTimer);
    await this.flush();
  }

  /**
   * Pumps on the next turn of the event loop, not now: a provider that answers at once would
   * otherwise run a whole queue as one chain of microtasks, and no ack could be written meanwhile.
   */
  private pumpSoon(lane: Lane): void {
    if (lane.soon) return;
    lane.soon = true;
    setImmediate(() => {
      lane.soon = false;
      if (!this.closed) this.pump(lane);
    });
  }

  private pump(lane: Lane): void {
    if (lane.timer) return;
    while (lane.queue.length > 0 && lane.inFlight < MAX_IN_FLIGHT) {
      if (!lane.bucket.take(this.clock.now())) {
        lane.timer = setTimeout(() => {
          lane.timer = undefined;
          this.pump(lane);
        }, lane.bucket.waitMs());
        return;
      }
      const job = lane.queue.shift() as Job;
      lane.inFlight++;
      const sent: Promise<void> = this.attempt(lane, job).finally(() => {
        lane.inFlight--;
        this.sending.delete(sent);
        if (!this.closed) this.pumpSoon(lane);
      });
      this.sending.add(sent);
    }
  }

  private async attempt(lane: Lane, job: Job): Promise<void> {
    const name = lane.provider.name;
    const started = this.clock.now();
    let outcome: PushOutcome;
    try {
      outcome = await lane.provider.send(targetOf(job.device), job.notification);
    } catch (err) {
      // The port says providers do not throw; one that does is treated as a network failure.
      outcome = { ok: false, reason: "retryable", detail: err instanceof Error ? err.message : String(err) };
    }
    this.metrics.observe("starling_push_seconds", (this.clock.now() - started) / 1000, { provider: name });
    this.metrics.inc("starling_push_total", { provider: name, outcome: outcome.ok ? "ok" : outcome.reason });
    if (outcome.ok) {
      this.waiting--;
      // Last use only needs to tell a live registration from an abandoned one: writing it for
      // every notification would make each big group's message thousands of row updates.
      // The registration read for this notification may predate a touch not yet written.
      const id = job.device.id;
      const now = this.clock.now();
      if (now - Math.max(job.device.lastUsedAt, this.lastTouch.get(id) ?? 0) >= TOUCH_EVERY_MS) {
        this.lastTouch.delete(id);
        this.lastTouch.set(id, now);
        if (this.lastTouch.size > REMEMBERED_TOUCHES) {
          const oldest = this.lastTouch.keys().next().value;
          if (oldest !== undefined) this.lastTouch.delete(oldest);
        }
        this.touched.add(id);
        this.scheduleFlush();
      }
      return;
    }
    switch (outcome.reason) {
      case "dead_token":
        this.waiting--;
        this.dead.add(job.device.id);
        this.scheduleFlush();
        return;
      case "rejected":
        this.waiting--;
        this.throttle.warn(`push refused by ${name}`, { provider: name, detail: outcome.detail ?? "" });
        return;
      default:
        this.retry(lane, job, outcome.retryAfterMs);
    }
  }

  private retry(lane: Lane, job: Job, retryAfterMs: number | undefined): void {
    const attempt = job.attempt + 1;
    if (attempt >= this.settings.maxAttempts || this.closed) {
      this.waiting--;
      this.metrics.inc("starling_push_total", { provider: lane.provider.name, outcome: "gave_up" });
      this.throttle.warn(`push to ${lane.provider.name} given up after retries`, {
        provider: lane.provider.name,
        attempts: attempt,
      });
      return;
    }
    // Full jitter (a random delay up to the exponential bound) spreads the retries of many
    // devices that failed together, so they do not all come back at the same instant.
    const bound = Math.min(MAX_RETRY_DELAY_MS, this.settings.retryBaseMs * 2 ** job.attempt);
    const jittered = Math.ceil(bound * ((this.random.bytes(1)[0] ?? 0) / 256 + 1 / 256));
    const delay = Math.min(MAX_RETRY_DELAY_MS, Math.max(retryAfterMs ?? 0, jittered));
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      lane.queue.push({ ...job, attempt });
      this.pumpSoon(lane);
    }, delay);
    timer.unref?.();
    this.retries.add(timer);
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, FLUSH_MS);
    this.flushTimer.unref?.();
  }

  /** One write of each kind for everything answered since the last one; failures are only logged. */
  private flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const touched = [...this.touched];
      const dead = new Set(this.dead);
      this.touched.clear();
      this.dead.clear();
      if (touched.length === 0 && dead.size === 0) return;
      try {
        await this.store.transaction(async (tx) => {
          for (const ids of chunks([...dead])) await tx.deletePushDevicesById(ids);
          const now = this.clock.now();
          for (const ids of chunks(touched.filter((id) => !dead.has(id))))
            await tx.touchPushDevices(ids, now);
        });
        if (dead.size > 0) {
          this.log.info({ devices: dead.size }, "push registrations removed: their tokens are dead");
          this.onDead(dead);
        }
      } catch (err) {
        this.log.warn({ err }, "push: recording delivery outcomes failed");
      }
    });
    return this.flushing;
  }
}

/** Ids per statement: well below SQLite's and PostgreSQL's limits on bound parameters. */
const IDS_PER_WRITE = 1000;

function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_WRITE) out.push(ids.slice(i, i + IDS_PER_WRITE));
  return out;
}

function targetOf(d: PushDeviceRecord): PushTarget {
  return {
    deviceId: d.id,
    userId: d.userId,
    token: d.token,
    appId: d.appId,
    platform: d.platform,
    locale: d.locale,
  };
}

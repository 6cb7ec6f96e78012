/**
 * Closed-loop senders and the meter they report to. A sender keeps `window`
 * messages in flight; a message leaves the window only when it is both
 * acknowledged (durably stored) and delivered to every recipient, so the
 * offered load can never outrun what the server actually completes and the
 * latency figures stay honest (no queue silently growing inside the server).
 */
import { decodeEnvelope } from "@starling/protocol";
import type { Failures } from "../lib/channel.js";
import type { BenchConn } from "./connection.js";
import { Latency } from "./latency.js";
import { benchId, encodeSend, newPeeked, parseBenchId, peek, type SendTarget } from "./wire.js";

interface InFlight {
  sentAt: number;
  acked: boolean;
  deliveries: number;
}

/** Counters of one run; only events inside the measured window count. */
export class Meter {
  running = true;
  measuring = false;
  completed = 0;
  deliveries = 0;
  readonly latency = new Latency();
  readonly failures: Failures = { errorCodes: {}, lost: 0, disconnects: 0, unreadable: 0 };
  private startedAt = 0;
  private cpuAtStart = process.cpuUsage();
  measuredSec = 0;
  loadgenCpuPct = 0;

  startMeasuring(): void {
    this.completed = 0;
    this.deliveries = 0;
    this.latency.reset();
    this.startedAt = performance.now();
    this.cpuAtStart = process.cpuUsage();
    this.measuring = true;
  }

  stopMeasuring(): void {
    this.measuring = false;
    const elapsedMs = performance.now() - this.startedAt;
    const cpu = process.cpuUsage(this.cpuAtStart);
    this.measuredSec = Math.round(elapsedMs) / 1000;
    this.loadgenCpuPct = Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 10;
  }

  /** What every closed-loop result reports of its measured window. */
  figures() {
    return {
      measuredSec: this.measuredSec,
      completed: this.completed,
      messagesPerSec: Math.round(this.completed / this.measuredSec),
      latencyMs: this.latency.summary(),
      loadgenCpuPct: this.loadgenCpuPct,
      failures: this.failures,
    };
  }

  countError(code: number): void {
    this.failures.errorCodes[code] = (this.failures.errorCodes[code] ?? 0) + 1;
  }
}

export class Sender {
  readonly inflight = new Map<number, InFlight>();
  private readonly byRequest = new Map<number, number>();
  private n = 0;

  constructor(
    readonly index: number,
    private readonly conn: BenchConn,
    private readonly target: SendTarget,
    private readonly text: Uint8Array,
    /** Deliveries (to others than the sender) that complete one message. */
    private readonly recipients: number,
    private readonly window: number,
    private readonly meter: Meter,
  ) {}

  fill(): void {
    while (this.meter.running && !this.conn.closed && this.inflight.size < this.window) {
      const n = ++this.n;
      const id = this.conn.nextId();
      this.inflight.set(n, { sentAt: performance.now(), acked: false, deliveries: 0 });
      this.byRequest.set(id, n);
      this.conn.send(encodeSend(id, this.target, benchId(this.index, n), this.text));
    }
  }

  /** A response to one of this sender's requests (send_ack = 20, error = 2, pong = 11). */
  onResponse(requestId: number, body: number, frame: Uint8Array): void {
    const n = this.byRequest.get(requestId);
    if (n === undefined) return; // a pong
    this.byRequest.delete(requestId);
    const entry = this.inflight.get(n);
    if (!entry) return;
    if (body !== 20) {
      const env = decodeEnvelope(frame);
      const res = env.kind.case === "response" ? env.kind.value : undefined;
      this.meter.countError(res?.body.case === "error" ? res.body.value.code : -1);
      this.inflight.delete(n);
      this.fill();
      return;
    }
    entry.acked = true;
    this.settle(n, entry);
  }

  /** Message `n` reached one recipient other than the sender. */
  onDelivered(n: number, now: number): void {
    const entry = this.inflight.get(n);
    if (!entry) return;
    entry.deliveries++;
    if (this.meter.measuring) {
      this.meter.deliveries++;
      this.meter.latency.recordMs(now - entry.sentAt);
    }
    this.settle(n, entry);
  }

  private settle(n: number, entry: InFlight): void {
    if (!entry.acked || entry.deliveries < this.recipients) return;
    this.inflight.delete(n);
    if (this.meter.measuring) this.meter.completed++;
    this.fill();
  }
}

/**
 * Frame handler for the connection of user `self`: routes acks to its own
 * sender and pushed messages to the sender named in the client_msg_id.
 * Echoes of the user's own sends (to its other devices) are not deliveries.
 */
export function frameHandler(
  self: number,
  senders: readonly (Sender | undefined)[],
  meter: Meter,
): (f: Uint8Array) => void {
  const p = newPeeked();
  const id = { sender: 0, n: 0 };
  const own = senders[self];
  return (frame) => {
    if (!peek(frame, p)) {
      meter.failures.unreadable++;
      return;
    }
    if (p.kind === 2) {
      own?.onResponse(p.requestId, p.body, frame);
    } else if (p.kind === 3 && p.body === 1) {
      if (!parseBenchId(frame, p.cmidStart, p.cmidEnd, id) || id.sender === self) return;
      senders[id.sender]?.onDelivered(id.n, performance.now());
    }
  };
}

export type Emit = (
  event: { type: "phase"; phase: "measure-start" | "measure-end" } | { type: "progress"; message: string },
) => void;

/** What the loop drives: a sender that tops up its window, and what it still has in flight. */
export interface LoopSender {
  fill(): void;
  readonly inflight: { readonly size: number };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Warm-up, the measured window, then a bounded drain; unfinished sends are reported as lost. */
export async function runClosedLoop(
  senders: readonly LoopSender[],
  meter: Meter,
  timing: { warmupSec: number; durationSec: number },
  emit: Emit,
): Promise<void> {
  for (const s of senders) s.fill();
  emit({ type: "progress", message: `warming up ${timing.warmupSec}s` });
  await sleep(timing.warmupSec * 1000);
  emit({ type: "phase", phase: "measure-start" });
  meter.startMeasuring();
  await sleep(timing.durationSec * 1000);
  meter.stopMeasuring();
  emit({ type: "phase", phase: "measure-end" });
  meter.running = false;
  const drainUntil = performance.now() + 5000;
  while (performance.now() < drainUntil && senders.some((s) => s.inflight.size > 0)) await sleep(50);
  meter.failures.lost = senders.reduce((sum, s) => sum + s.inflight.size, 0);
}

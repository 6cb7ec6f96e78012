import { createHistogram, type RecordableHistogram } from "node:perf_hooks";

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Latencies in milliseconds, kept in an HDR histogram at microsecond resolution (constant memory at any rate). */
export class Latency {
  private readonly h: RecordableHistogram = createHistogram();

  recordMs(ms: number): void {
    this.h.record(Math.max(1, Math.round(ms * 1000)));
  }

  reset(): void {
    this.h.reset();
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    const count = this.h.count;
    if (count === 0) return { count, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    return {
      count,
      p50: ms(this.h.percentile(50)),
      p90: ms(this.h.percentile(90)),
      p99: ms(this.h.percentile(99)),
      max: ms(this.h.max),
      mean: ms(this.h.mean),
    };
  }
}

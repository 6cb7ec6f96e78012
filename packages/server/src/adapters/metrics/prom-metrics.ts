import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import {
  type CounterName,
  type GaugeName,
  type HistogramName,
  METRICS,
  type MetricLabels,
  type MetricName,
  type Metrics,
} from "../../core/kernel/metrics.js";

/** The metrics port over prom-client, with a registry of its own (no global state). */
export class PromMetrics implements Metrics {
  private readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly tracked = new Map<string, () => number>();

  constructor() {
    for (const [name, spec] of Object.entries(METRICS)) {
      const common = {
        name,
        help: spec.help,
        labelNames: [...spec.labels],
        registers: [this.registry],
      };
      if (spec.kind === "counter") this.counters.set(name, new Counter(common));
      else if (spec.kind === "histogram")
        this.histograms.set(
          name,
          new Histogram({ ...common, ...("buckets" in spec ? { buckets: [...spec.buckets] } : {}) }),
        );
      else {
        const tracked = this.tracked;
        this.gauges.set(
          name,
          new Gauge({
            ...common,
            collect() {
              const read = tracked.get(name);
              if (read) this.set(read());
            },
          }),
        );
      }
    }
    // Process metrics (CPU, memory, event loop lag, handles), under their usual names.
    collectDefaultMetrics({ register: this.registry });
  }

  inc(name: CounterName, labels: MetricLabels = {}, by = 1): void {
    if (by > 0) this.metric(this.counters, name).inc(labels, by);
  }

  add(name: GaugeName, by: number, labels: MetricLabels = {}): void {
    this.metric(this.gauges, name).inc(labels, by);
  }

  observe(name: HistogramName, value: number, labels: MetricLabels = {}): void {
    this.metric(this.histograms, name).observe(labels, value);
  }

  track(name: GaugeName, read: () => number): void {
    this.tracked.set(name, read);
  }

  /** The text exposition format, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private metric<T>(from: Map<string, T>, name: MetricName): T {
    return from.get(name) as T;
  }
}

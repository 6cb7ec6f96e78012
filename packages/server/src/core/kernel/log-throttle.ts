import type { Clock, Logger } from "./ports.js";

/**
 * Writes at most one line per kind of event per window, so a flood of
 * refused or timed-out connections costs a few log lines, not one each.
 * The next line of a kind says how many of it were held back before it.
 */
export class LogThrottle {
  private readonly events = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly windowMs = 10_000,
  ) {}

  warn(event: string, fields: object): void {
    this.write("warn", event, fields);
  }

  info(event: string, fields: object): void {
    this.write("info", event, fields);
  }

  private write(level: "warn" | "info", event: string, fields: object): void {
    const now = this.clock.now();
    const e = this.events.get(event);
    if (e && now < e.until) {
      e.suppressed++;
      return;
    }
    const suppressed = e?.suppressed ?? 0;
    // The kinds are a fixed set of messages, so the map stays small.
    this.events.set(event, { until: now + this.windowMs, suppressed: 0 });
    this.log[level](suppressed > 0 ? { ...fields, suppressed } : fields, event);
  }
}

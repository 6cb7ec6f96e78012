import { RequestTimeoutError } from "./client-errors.js";
import type { Timers } from "./timers.js";

interface Waiter<C> {
  resolve(value: C): void;
  reject(err: Error): void;
  timer: unknown;
}

/**
 * Holds the current connection, if any, and lets callers wait for the next
 * one: requests made while reconnecting queue here instead of failing.
 */
export class Gate<C> {
  private readonly timers: Timers;
  private value: C | null = null;
  private failure: Error | null = null;
  private readonly waiters = new Set<Waiter<C>>();

  constructor(timers: Timers) {
    this.timers = timers;
  }

  get current(): C | null {
    return this.value;
  }

  open(value: C): void {
    this.value = value;
    for (const w of [...this.waiters]) this.settle(w, () => w.resolve(value));
  }

  shut(): void {
    this.value = null;
  }

  /** Closed for good: waiters and later callers get err until reset(). */
  fail(err: Error): void {
    this.value = null;
    this.failure = err;
    for (const w of [...this.waiters]) this.settle(w, () => w.reject(err));
  }

  reset(): void {
    this.failure = null;
  }

  /** The current value, or the next one within timeoutMs. */
  wait(timeoutMs: number): Promise<C> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.value !== null) return Promise.resolve(this.value);
    if (timeoutMs <= 0) return Promise.reject(new RequestTimeoutError(0));
    return new Promise<C>((resolve, reject) => {
      const waiter: Waiter<C> = { resolve, reject, timer: null };
      waiter.timer = this.timers.setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new RequestTimeoutError(timeoutMs));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private settle(w: Waiter<C>, fn: () => void): void {
    this.waiters.delete(w);
    this.timers.clearTimeout(w.timer);
    fn();
  }
}

/**
 * Runs a task one at a time. A call while it runs does not start a second
 * copy alongside; it gets one more run that starts after the current one,
 * shared by every caller that asked in the meantime.
 */
export class CoalescingRunner<T> {
  private readonly task: () => Promise<T>;
  private running: Promise<T> | null = null;
  private queued: Promise<T> | null = null;

  constructor(task: () => Promise<T>) {
    this.task = task;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  run(): Promise<T> {
    if (this.queued !== null) return this.queued;
    const current = this.running;
    if (current === null) return this.start();
    const next = current.then(
      () => undefined,
      () => undefined,
    );
    this.queued = next.then(() => {
      this.queued = null;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<T> {
    const run: Promise<T> = this.task().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}

import type { Timers } from "./timers.js";

/**
 * Collects "delivered up to seq" per conversation and reports each
 * conversation's highest seq once per batch, so a burst of messages costs
 * one MarkDelivered instead of one per message.
 */
export class DeliveredBatcher {
  private readonly delayMs: number;
  private readonly timers: Timers;
  private readonly mark: (conversationId: string, seq: number) => Promise<void>;
  private readonly waiting = new Map<string, number>();
  private readonly marked = new Map<string, number>();
  private timer: unknown = null;

  constructor(delayMs: number, timers: Timers, mark: (conversationId: string, seq: number) => Promise<void>) {
    this.delayMs = delayMs;
    this.timers = timers;
    this.mark = mark;
  }

  get size(): number {
    return this.waiting.size;
  }

  note(conversationId: string, seq: number): void {
    if (seq <= (this.marked.get(conversationId) ?? 0) || seq <= (this.waiting.get(conversationId) ?? 0))
      return;
    this.waiting.set(conversationId, seq);
    if (this.timer === null) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.delayMs);
    }
  }

  /** Sends everything noted; a failed mark is noted again for the next batch. */
  async flush(): Promise<void> {
    this.cancel();
    const batch = [...this.waiting];
    this.waiting.clear();
    await Promise.all(
      batch.map(async ([id, seq]) => {
        try {
          await this.mark(id, seq);
          if (seq > (this.marked.get(id) ?? 0)) this.marked.set(id, seq);
        } catch {
          if (seq > (this.waiting.get(id) ?? 0)) this.waiting.set(id, seq);
        }
      }),
    );
  }

  /** Stops the pending timer; what was noted stays for the next flush. */
  cancel(): void {
    if (this.timer !== null) {
      this.timers.clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

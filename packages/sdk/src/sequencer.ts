import type { Message } from "@starling/protocol";
import { toNumber } from "./seq.js";

/** A range of seqs still to fetch: after < seq <= until. */
export interface SeqGap {
  after: number;
  until: number;
}

/**
 * Puts one conversation's messages in seq order for the app: each seq is
 * handed out once, in order, with nothing skipped that the server can still
 * give. Messages that arrive early wait in a buffer until the gap before
 * them is filled.
 */
export class ConversationSequencer {
  /** Highest seq handed out such that every seq up to it was handed out (or is unavailable). */
  private seenSeq: number;
  /** Highest seq known to exist, from pushes or from sync's last_seq. */
  private targetSeq: number;
  private readonly early = new Map<number, Message>();

  constructor(seen: number) {
    this.seenSeq = seen;
    this.targetSeq = seen;
  }

  get seen(): number {
    return this.seenSeq;
  }

  get target(): number {
    return this.targetSeq;
  }

  get buffered(): number {
    return this.early.size;
  }

  /** The server has messages up to seq. */
  raiseTarget(seq: number): void {
    if (seq > this.targetSeq) this.targetSeq = seq;
  }

  /** Takes one message; returns those now ready to hand out, in order. */
  offer(msg: Message): Message[] {
    const seq = toNumber(msg.seq);
    this.raiseTarget(seq);
    if (seq <= this.seenSeq || this.early.has(seq)) return [];
    if (seq !== this.seenSeq + 1) {
      this.early.set(seq, msg);
      return [];
    }
    const ready = [msg];
    this.seenSeq = seq;
    this.drain(ready);
    return ready;
  }

  /** The first missing range, or null when everything known was handed out. */
  gap(): SeqGap | null {
    if (this.early.size > 0) {
      let lowest = Number.POSITIVE_INFINITY;
      for (const seq of this.early.keys()) if (seq < lowest) lowest = seq;
      return { after: this.seenSeq, until: lowest - 1 };
    }
    return this.targetSeq > this.seenSeq ? { after: this.seenSeq, until: this.targetSeq } : null;
  }

  /**
   * Takes one page of GetHistory{after_seq: after}. History returns every
   * message this user may see, in seq order, so a seq it skips within the
   * page, or past its end when it says has_more is false, is one this user
   * will never get (it predates their membership, say): handing out stops
   * waiting for it. A message that was pushed but is missing from the page
   * contradicts that; then nothing is skipped past it and `progressed` may
   * be false, so the caller tries again later.
   */
  applyPage(
    after: number,
    messages: readonly Message[],
    hasMore: boolean,
  ): { ready: Message[]; progressed: boolean } {
    const before = this.seenSeq;
    const ready: Message[] = [];
    let last = after;
    const sorted = messages.map((msg) => ({ msg, seq: toNumber(msg.seq) })).sort((a, b) => a.seq - b.seq);
    for (const { msg, seq } of sorted) {
      if (seq <= last) continue;
      if (seq > this.seenSeq + 1 && this.seenSeq >= last) this.skipInto(seq - 1, ready);
      ready.push(...this.offer(msg));
      last = seq;
    }
    if (!hasMore && this.seenSeq >= last) {
      // Nothing visible exists after `last`. Pushed messages beyond it would
      // contradict that, so only skip when none are waiting.
      if (this.early.size === 0 && this.targetSeq > this.seenSeq) this.skipInto(this.targetSeq, ready);
    }
    return { ready, progressed: this.seenSeq > before };
  }

  /**
   * Gives up on the seqs up to `until` (they cannot be fetched); buffered
   * messages among them are still handed out.
   */
  skipTo(until: number): Message[] {
    const ready: Message[] = [];
    this.skipInto(until, ready);
    return ready;
  }

  private skipInto(until: number, ready: Message[]): void {
    if (until <= this.seenSeq) return;
    const waiting = [...this.early.keys()].filter((seq) => seq <= until).sort((a, b) => a - b);
    for (const seq of waiting) {
      ready.push(this.early.get(seq) as Message);
      this.early.delete(seq);
    }
    this.seenSeq = until;
    this.raiseTarget(until);
    this.drain(ready);
  }

  private drain(ready: Message[]): void {
    for (;;) {
      const seq = this.seenSeq + 1;
      const next = this.early.get(seq);
      if (next === undefined) return;
      this.early.delete(seq);
      this.seenSeq = seq;
      ready.push(next);
    }
  }
}

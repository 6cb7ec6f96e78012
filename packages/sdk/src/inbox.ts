import type { HistoryResult, Message } from "@starling/protocol";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { ConnectionClosedError, isRetryableError } from "./client-errors.js";
import { Limiter } from "./limiter.js";
import { ConversationSequencer } from "./sequencer.js";
import { sleep, type Timers } from "./timers.js";

/** GetHistory's largest page. */
const HISTORY_PAGE = 200;
/** History fetches running at once, so a catch-up does not trip the in-flight limit. */
const PARALLEL_FETCHES = 4;
/**
 * Pushes of different senders can overtake each other on their way through
 * the server; a short wait lets the missing one arrive before a fetch.
 */
const GAP_GRACE_MS = 100;

export interface InboxOptions {
  /** Per-conversation seen seqs of a resumed device. */
  seen: Record<string, number>;
  /**
   * No device state: conversations that exist before the first sync start
   * at their last_seq, so pushes wait until that sync has listed them.
   */
  fresh: boolean;
  /** Fresh devices replay every conversation from seq 1 instead. */
  catchUpFromStart: boolean;
  /** GetHistory{after_seq} on the current connection. */
  fetchHistory(conversationId: string, afterSeq: number, limit: number): Promise<HistoryResult>;
  /** Messages in seq order, each exactly once. */
  deliver(messages: Message[]): void;
  /** Reports a range that could not be fetched and was skipped. */
  onError(err: Error): void;
  retry: BackoffOptions;
  timers: Timers;
}

type Held = { message: Message } | { conversationId: string };

/**
 * Turns pushes and history pages into one in-order, gap-free, duplicate-free
 * stream per conversation, fetching whatever is missing by seq.
 */
export class Inbox {
  private readonly opts: InboxOptions;
  private readonly sequencers = new Map<string, ConversationSequencer>();
  private readonly filling = new Map<string, Promise<void>>();
  private readonly graceTimers = new Map<string, unknown>();
  private readonly limiter = new Limiter(PARALLEL_FETCHES);
  private held: Held[] | null;
  private abort = new AbortController();

  constructor(opts: InboxOptions) {
    this.opts = opts;
    for (const [id, seen] of Object.entries(opts.seen))
      this.sequencers.set(id, new ConversationSequencer(seen));
    this.held = opts.fresh ? [] : null;
  }

  /** Whether the first sync of a fresh device is still pending. */
  get holding(): boolean {
    return this.held !== null;
  }

  knows(conversationId: string): boolean {
    return this.sequencers.has(conversationId);
  }

  /** Highest contiguous seq handed out, per conversation. */
  seen(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, s] of this.sequencers) out[id] = s.seen;
    return out;
  }

  /** A pushed message. */
  push(message: Message): void {
    if (this.held !== null) {
      this.held.push({ message });
      return;
    }
    const s = this.sequencer(message.conversationId, 0);
    this.deliver(s.offer(message));
    if (s.gap() !== null) this.scheduleFill(message.conversationId);
  }

  /**
   * A conversation this client made or first wrote to (a new group, the
   * first 1:1 message): its messages are wanted from seq 1.
   */
  noteConversation(conversationId: string): void {
    if (this.held !== null) this.held.push({ conversationId });
    else this.sequencer(conversationId, 0);
  }

  /** Sync reported the conversation's last_seq. */
  learn(conversationId: string, lastSeq: number): void {
    const baseline = this.held !== null && !this.opts.catchUpFromStart ? lastSeq : 0;
    this.sequencer(conversationId, baseline).raiseTarget(lastSeq);
  }

  /** The first sync listed every conversation; release what waited for it. */
  listed(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const item of held) {
      if ("message" in item) this.push(item.message);
      else this.noteConversation(item.conversationId);
    }
  }

  /**
   * Fetches every gap known now; resolves once each of those conversations
   * reached the seq it had to reach. Rejects when the connection drops.
   */
  async catchUp(): Promise<void> {
    const required = new Map<string, number>();
    for (const [id, s] of this.sequencers) if (s.gap() !== null) required.set(id, s.target);
    for (;;) {
      const behind = [...required].filter(([id, seq]) => (this.sequencers.get(id)?.seen ?? seq) < seq);
      if (behind.length === 0) return;
      await Promise.all(behind.map(([id]) => this.fill(id)));
    }
  }

  /** Stops timers and pending retries; a later connection starts afresh. */
  stop(): void {
    this.abort.abort(new ConnectionClosedError(0, "client closed"));
    this.abort = new AbortController();
    for (const timer of this.graceTimers.values()) this.opts.timers.clearTimeout(timer);
    this.graceTimers.clear();
  }

  private sequencer(id: string, baseline: number): ConversationSequencer {
    let s = this.sequencers.get(id);
    if (s === undefined) {
      s = new ConversationSequencer(baseline);
      this.sequencers.set(id, s);
    }
    return s;
  }

  private deliver(messages: Message[]): void {
    if (messages.length > 0) this.opts.deliver(messages);
  }

  private scheduleFill(id: string): void {
    if (this.filling.has(id) || this.graceTimers.has(id)) return;
    const timer = this.opts.timers.setTimeout(() => {
      this.graceTimers.delete(id);
      this.fill(id).catch(() => {
        // A drop: the sync after reconnecting fetches this gap again.
      });
    }, GAP_GRACE_MS);
    this.graceTimers.set(id, timer);
  }

  /** One fill per conversation at a time; later callers join it. */
  private fill(id: string): Promise<void> {
    const existing = this.filling.get(id);
    if (existing !== undefined) return existing;
    const run = this.runFill(id).finally(() => {
      if (this.filling.get(id) === run) this.filling.delete(id);
    });
    this.filling.set(id, run);
    return run;
  }

  private async runFill(id: string): Promise<void> {
    const signal = this.abort.signal;
    const backoff = new Backoff(this.opts.retry);
    const s = this.sequencers.get(id);
    if (s === undefined) return;
    for (;;) {
      const gap = s.gap();
      if (gap === null) return;
      if (signal.aborted) throw signal.reason;
      let page: HistoryResult;
      try {
        const limit = Math.min(HISTORY_PAGE, gap.until - gap.after);
        page = await this.limiter.run(() => this.opts.fetchHistory(id, gap.after, limit));
      } catch (err) {
        if (err instanceof ConnectionClosedError) throw err;
        if (isRetryableError(err)) {
          await sleep(this.opts.timers, Math.max(err.retryAfterMs, backoff.next()), signal);
          continue;
        }
        // Refused for good (no longer a member, say): those seqs will never
        // come, so stop waiting for them rather than hold back what follows.
        this.deliver(s.skipTo(gap.until));
        this.opts.onError(skipped(id, gap.after, gap.until, err));
        continue;
      }
      const { ready, progressed } = s.applyPage(gap.after, page.messages, page.hasMore);
      this.deliver(ready);
      if (progressed) backoff.reset();
      else await sleep(this.opts.timers, backoff.next(), signal);
    }
  }
}

function skipped(conversationId: string, after: number, until: number, cause: unknown): Error {
  const err = new Error(
    `messages ${after + 1}..${until} of ${conversationId} could not be fetched: ${(cause as Error)?.message ?? cause}`,
    { cause },
  );
  err.name = "MessagesSkippedError";
  return err;
}

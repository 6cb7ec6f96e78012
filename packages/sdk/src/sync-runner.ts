import { type Conversation, ErrorCode, StarlingError, type SyncResult } from "@starling/protocol";
import { CoalescingRunner } from "./coalescing-runner.js";
import type { Inbox } from "./inbox.js";
import { toNumber } from "./seq.js";

export interface SyncRunnerOptions {
  /** The cursor of the last complete pass (0: never synced). */
  cursor: number;
  pageLimit: number;
  /** Sync{cursor, limit} on the current connection. */
  fetch(cursor: number, limit: number): Promise<SyncResult>;
  /** A conversation reported by sync, before its messages are fetched. */
  learned(conversation: Conversation): void;
  inbox: Inbox;
}

/**
 * One sync pass: ask what changed since the cursor, page by page; fetch
 * every conversation's missing messages by seq; only then keep the new
 * cursor. A pass cut short leaves the old cursor, so the next pass sees the
 * same changes again and nothing is skipped (design: "Messaging model").
 */
export class SyncRunner {
  private readonly opts: SyncRunnerOptions;
  private committed: number;
  private readonly runner: CoalescingRunner<Conversation[]>;

  constructor(opts: SyncRunnerOptions) {
    this.opts = opts;
    this.committed = opts.cursor;
    this.runner = new CoalescingRunner(() => this.pass());
  }

  get cursor(): number {
    return this.committed;
  }

  /** Runs a pass (after the current one, if any); resolves with the changed conversations. */
  run(): Promise<Conversation[]> {
    return this.runner.run();
  }

  private async pass(): Promise<Conversation[]> {
    const changed = new Map<string, Conversation>();
    let cursor = this.committed;
    for (;;) {
      const page = await this.opts.fetch(cursor, this.opts.pageLimit);
      for (const conversation of page.conversations) {
        changed.set(conversation.id, conversation);
        this.opts.inbox.learn(conversation.id, toNumber(conversation.lastSeq));
        this.opts.learned(conversation);
      }
      const next = toNumber(page.cursor);
      if (page.hasMore && next <= cursor) {
        throw new StarlingError(ErrorCode.INTERNAL, "sync cursor did not advance", { retryable: true });
      }
      cursor = Math.max(cursor, next);
      if (!page.hasMore) break;
    }
    this.opts.inbox.listed();
    await this.opts.inbox.catchUp();
    this.committed = cursor;
    return [...changed.values()];
  }
}

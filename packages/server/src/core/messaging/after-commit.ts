import type { Logger } from "../kernel/ports.js";
import type { MessageRecord } from "../kernel/records.js";

/**
 * What messaging tells a listener once a change is committed and fanned out
 * (push notifications listen). Calls are synchronous hand-overs: a listener
 * queues the work and returns, so nothing it does can delay an ack or a
 * publish, and nothing it fails at can fail the write that told it.
 */
export interface AfterCommit {
  /** Messages stored by one group commit, with each conversation's members (senders included). */
  stored(rows: readonly MessageRecord[], recipients: ReadonlyMap<string, readonly string[]>): void;
  /** A user's read cursor of a conversation moved forward to `seq`. */
  read(userId: string, conversationId: string, seq: number): void;
  /** A message was recalled: what was to be said of it is withdrawn. */
  recalled(conversationId: string, seq: number): void;
}

/** A listener with the log its failures go to. */
export interface AfterCommitHook {
  listener: AfterCommit;
  log: Logger;
}

/** Calls `fn` on the listener, if there is one; a throw is logged, never passed to the writer. */
export function tellAfterCommit(hook: AfterCommitHook | undefined, fn: (l: AfterCommit) => void): void {
  if (!hook) return;
  try {
    fn(hook.listener);
  } catch (err) {
    hook.log.error({ err }, "an after-commit listener failed");
  }
}

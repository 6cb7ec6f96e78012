import { ErrorCode, StarlingError } from "@starling/protocol";

/**
 * What a device must keep to resume where it stopped: the sync cursor and,
 * per conversation, the highest seq up to which every message was handed to
 * the app. Plain numbers, so JSON.stringify can store it.
 */
export interface SyncState {
  cursor: number;
  seen: Record<string, number>;
}

/** Checks a stored state before trusting it; throws INVALID_ARGUMENT. */
export function validateSyncState(state: SyncState): SyncState {
  const bad = (why: string) => new StarlingError(ErrorCode.INVALID_ARGUMENT, `invalid sync state: ${why}`);
  if (typeof state !== "object" || state === null) throw bad("not an object");
  if (!isSeq(state.cursor)) throw bad("cursor must be a non-negative integer");
  if (typeof state.seen !== "object" || state.seen === null) throw bad("seen must be an object");
  const seen: Record<string, number> = {};
  for (const [id, seq] of Object.entries(state.seen)) {
    if (!isSeq(seq)) throw bad(`seen[${JSON.stringify(id)}] must be a non-negative integer`);
    seen[id] = seq;
  }
  return { cursor: state.cursor, seen };
}

function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

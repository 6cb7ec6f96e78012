/** One send waiting for its SendAck. */
export interface PendingEntry<T> {
  readonly clientMsgId: string;
  readonly payload: T;
  /** "waiting": to be (re)sent; "inflight": on the wire of the current connection. */
  state: "waiting" | "inflight";
  /** Bumped on every transmission; an answer to an older one is stale. Above 0, the server may have stored it. */
  attempt: number;
  /** Retries after retryable errors, for the backoff. */
  retries: number;
  /** Not to be sent before this time (ms), after a retryable error. */
  notBefore: number;
}

/**
 * The un-acknowledged sends in the order the app made them. Sending walks
 * the queue front to back, so after a reconnect everything unacknowledged
 * goes out again, in order, ahead of anything sent later. A send that must
 * wait (throttled) holds back every send behind it: the server stores a
 * connection's sends in arrival order, and only that keeps the app's order.
 */
export class PendingSends<T> {
  private readonly entries: PendingEntry<T>[] = [];
  private readonly byId = new Map<string, PendingEntry<T>>();

  get size(): number {
    return this.entries.length;
  }

  get inflight(): number {
    let n = 0;
    for (const e of this.entries) if (e.state === "inflight") n++;
    return n;
  }

  get(clientMsgId: string): PendingEntry<T> | undefined {
    return this.byId.get(clientMsgId);
  }

  /** Appends a send; throws if its client_msg_id is already pending. */
  add(clientMsgId: string, payload: T): PendingEntry<T> {
    if (this.byId.has(clientMsgId)) throw new Error(`send ${clientMsgId} is already pending`);
    const entry: PendingEntry<T> = {
      clientMsgId,
      payload,
      state: "waiting",
      attempt: 0,
      retries: 0,
      notBefore: 0,
    };
    this.entries.push(entry);
    this.byId.set(clientMsgId, entry);
    return entry;
  }

  /**
   * The next send to transmit now, or undefined: the first waiting entry,
   * unless maxInflight are on the wire or that entry must still wait.
   */
  next(now: number, maxInflight: number): PendingEntry<T> | undefined {
    if (this.inflight >= maxInflight) return undefined;
    const first = this.entries.find((e) => e.state === "waiting");
    if (first === undefined || first.notBefore > now) return undefined;
    return first;
  }

  /** When the first waiting entry may go, if it must wait; else undefined. */
  wakeAt(now: number): number | undefined {
    const first = this.entries.find((e) => e.state === "waiting");
    return first !== undefined && first.notBefore > now ? first.notBefore : undefined;
  }

  /** Marks an entry as sent; returns the attempt number to match its answer with. */
  transmit(entry: PendingEntry<T>): number {
    entry.state = "inflight";
    entry.attempt++;
    return entry.attempt;
  }

  /** Whether an answer to `attempt` still concerns this entry. */
  isCurrent(entry: PendingEntry<T>, attempt: number): boolean {
    return (
      entry.state === "inflight" && entry.attempt === attempt && this.byId.get(entry.clientMsgId) === entry
    );
  }

  /** Puts an entry back to be sent again at or after `notBefore`. */
  defer(entry: PendingEntry<T>, notBefore: number): void {
    entry.state = "waiting";
    entry.retries++;
    entry.notBefore = notBefore;
  }

  /** The connection is gone: everything on the wire must be sent again. */
  requeueInflight(): void {
    for (const e of this.entries) if (e.state === "inflight") e.state = "waiting";
  }

  remove(entry: PendingEntry<T>): void {
    if (this.byId.get(entry.clientMsgId) !== entry) return;
    this.byId.delete(entry.clientMsgId);
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /**
   * Takes back a send the server cannot have seen: never transmitted on any
   * connection. Once one went out, even on a link that then died, the server
   * may have stored it, so it can no longer be withdrawn.
   */
  cancel(clientMsgId: string): PendingEntry<T> | undefined {
    const entry = this.byId.get(clientMsgId);
    if (entry === undefined || entry.attempt > 0) return undefined;
    this.remove(entry);
    return entry;
  }

  /** Empties the queue, returning what was in it, in order. */
  drain(): PendingEntry<T>[] {
    const all = [...this.entries];
    this.entries.length = 0;
    this.byId.clear();
    return all;
  }

  /** The pending sends in order. */
  list(): readonly PendingEntry<T>[] {
    return this.entries;
  }
}

/**
 * Bursts collapsed per (device, conversation): the first message of a burst
 * notifies at once; the ones after it within the window are held and, when
 * the window ends, said in one trailing notification that counts them. The
 * trailing one opens a new window, so a steady stream gives one notification
 * per window, and the provider's collapse key (the conversation) makes the
 * device replace rather than stack them.
 */

/** One message's notification for one device, as the dispatcher offers it. */
export interface BurstNote<T> {
  deviceId: string;
  conversationId: string;
  seq: number;
  /** Whatever the dispatcher needs to word and send it again. */
  value: T;
}

interface Burst<T> {
  timer: ReturnType<typeof setTimeout>;
  /** Held since the window opened, oldest first. */
  held: BurstNote<T>[];
  /** Held ones beyond what is kept (counted, not kept). */
  uncounted: number;
}

/** Held notes kept per burst; more are only counted, the trailing one speaks of the newest kept. */
const HELD_KEPT = 64;

export class Bursts<T> {
  private readonly open = new Map<string, Burst<T>>();

  constructor(
    private readonly windowMs: number,
    /** At most this many bursts are open; beyond it messages notify uncollapsed. */
    private readonly maxOpen: number,
    /** Called at the end of a window with the newest held note and how many it stands for. */
    private readonly trailing: (newest: BurstNote<T>, held: readonly BurstNote<T>[], count: number) => void,
  ) {}

  /** True when the note is to be sent now; false when it is held for the trailing notification. */
  offer(note: BurstNote<T>): boolean {
    if (this.windowMs <= 0) return true;
    const key = keyOf(note.deviceId, note.conversationId);
    const b = this.open.get(key);
    if (b) {
      if (b.held.length < HELD_KEPT) b.held.push(note);
      else {
        b.held.shift();
        b.held.push(note);
        b.uncounted++;
      }
      return false;
    }
    if (this.open.size >= this.maxOpen) return true;
    this.open.set(key, { timer: this.start(key), held: [], uncounted: 0 });
    return true;
  }

  /** A recalled message is taken out of every burst holding it. */
  withdraw(conversationId: string, seq: number): void {
    for (const b of this.open.values()) {
      const i = b.held.findIndex((n) => n.conversationId === conversationId && n.seq === seq);
      if (i >= 0) b.held.splice(i, 1);
    }
  }

  /** What a device holds for a conversation is dropped (its user read it). */
  drop(deviceId: string, conversationId: string): void {
    const b = this.open.get(keyOf(deviceId, conversationId));
    if (!b) return;
    b.held = [];
    b.uncounted = 0;
  }

  /** Held notifications are let go unsaid: on shutdown, sync tells the devices what they missed. */
  close(): void {
    for (const b of this.open.values()) clearTimeout(b.timer);
    this.open.clear();
  }

  get size(): number {
    return this.open.size;
  }

  private start(key: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.end(key), this.windowMs);
    timer.unref?.();
    return timer;
  }

  private end(key: string): void {
    const b = this.open.get(key);
    if (!b) return;
    const newest = b.held.at(-1);
    if (!newest) {
      this.open.delete(key);
      return;
    }
    const held = b.held;
    const count = held.length + b.uncounted;
    this.open.set(key, { timer: this.start(key), held: [], uncounted: 0 });
    this.trailing(newest, held, count);
  }
}

function keyOf(deviceId: string, conversationId: string): string {
  return `${deviceId}\n${conversationId}`;
}

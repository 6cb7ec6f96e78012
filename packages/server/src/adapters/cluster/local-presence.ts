import type { Clock, LocalPresence, PresenceDirectory, PresenceView } from "../../core/kernel/ports.js";

/** The presence table of a single node: this node's reports are the whole truth. */
export class LocalPresenceDirectory implements PresenceDirectory {
  private readonly states = new Map<string, LocalPresence>();
  private readonly lastSeen = new Map<string, number>();
  private readonly listeners: ((userId: string) => void)[] = [];

  constructor(private readonly clock: Clock) {}

  report(userId: string, state: LocalPresence | undefined): void {
    if (state) this.states.set(userId, state);
    else {
      this.states.delete(userId);
      this.lastSeen.set(userId, this.clock.now());
    }
    for (const l of this.listeners) l(userId);
  }

  view(userId: string): PresenceView {
    const s = this.states.get(userId);
    return { online: Boolean(s), away: s?.away ?? false, lastSeen: this.lastSeen.get(userId) ?? 0 };
  }

  onChange(listener: (userId: string) => void): void {
    this.listeners.push(listener);
  }
}

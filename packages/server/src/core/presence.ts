import {
  create,
  ErrorCode,
  type PresenceState,
  PresenceStateSchema,
  PresenceStatus,
  StarlingError,
} from "@starling/protocol";
import { domainOf, normalizeUserId } from "./ids.js";
import type { CoreLimits } from "./limits.js";
import type { Bus, Clock } from "./ports.js";
import { pushFrame } from "./push.js";

interface Online {
  sessions: number;
  away: boolean;
}

/**
 * Who is online on this node, and who asked to be told. A user is online
 * while any device is connected; "away" is set by the client when idle.
 * Watchers are counted per subscription, so the gateway subscribes once per
 * session and unsubscribes what it subscribed when the session ends.
 */
export class Presence {
  private readonly online = new Map<string, Online>();
  private readonly lastSeen = new Map<string, number>();
  private readonly watchers = new Map<string, Map<string, number>>();

  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly limits: CoreLimits,
  ) {}

  connected(userId: string): void {
    const o = this.online.get(userId);
    if (o) {
      o.sessions++;
      return;
    }
    this.online.set(userId, { sessions: 1, away: false });
    this.notify(userId);
  }

  disconnected(userId: string): void {
    const o = this.online.get(userId);
    if (!o) return;
    if (--o.sessions > 0) return;
    this.online.delete(userId);
    this.lastSeen.set(userId, this.clock.now());
    this.notify(userId);
  }

  setStatus(userId: string, status: PresenceStatus): void {
    if (status !== PresenceStatus.ONLINE && status !== PresenceStatus.AWAY) {
      throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "status must be online or away", {
        details: { field: "status" },
      });
    }
    const o = this.online.get(userId);
    if (!o) return;
    const away = status === PresenceStatus.AWAY;
    if (o.away === away) return;
    o.away = away;
    this.notify(userId);
  }

  /** Normalises and checks ids the way subscribe does; callers use it to track what they subscribed. */
  targets(watcher: string, userIds: readonly string[]): string[] {
    if (userIds.length > this.limits.maxIdsPerRequest) {
      throw new StarlingError(
        ErrorCode.INVALID_ARGUMENT,
        `more than ${this.limits.maxIdsPerRequest} user ids`,
        {
          details: { field: "user_ids" },
        },
      );
    }
    const domain = domainOf(watcher);
    const ids = [...new Set(userIds.map((id) => normalizeUserId(id, domain, "user_ids")))];
    // Presence is visible only inside one's own domain.
    for (const id of ids) {
      if (domainOf(id) !== domain)
        throw new StarlingError(ErrorCode.CROSS_DOMAIN, "presence of another domain is not visible");
    }
    return ids;
  }

  subscribe(watcher: string, targets: readonly string[]): PresenceState[] {
    for (const t of targets) {
      let w = this.watchers.get(t);
      if (!w) this.watchers.set(t, (w = new Map()));
      w.set(watcher, (w.get(watcher) ?? 0) + 1);
    }
    return targets.map((t) => this.state(t));
  }

  unsubscribe(watcher: string, targets: readonly string[]): void {
    for (const t of targets) {
      const w = this.watchers.get(t);
      if (!w) continue;
      const n = (w.get(watcher) ?? 0) - 1;
      if (n > 0) w.set(watcher, n);
      else w.delete(watcher);
      if (w.size === 0) this.watchers.delete(t);
    }
  }

  state(userId: string): PresenceState {
    const o = this.online.get(userId);
    const status = !o ? PresenceStatus.OFFLINE : o.away ? PresenceStatus.AWAY : PresenceStatus.ONLINE;
    return create(PresenceStateSchema, {
      userId,
      status,
      lastSeen: BigInt(o ? this.clock.now() : (this.lastSeen.get(userId) ?? 0)),
    });
  }

  private notify(userId: string): void {
    const w = this.watchers.get(userId);
    if (!w || w.size === 0) return;
    this.bus.publish([...w.keys()], pushFrame({ case: "presence", value: this.state(userId) }));
  }
}

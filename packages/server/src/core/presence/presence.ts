import {
  create,
  ErrorCode,
  type PresenceState,
  PresenceStateSchema,
  PresenceStatus,
  StarlingError,
} from "@starling/protocol";
import { completeUserId, domainOf } from "../kernel/ids.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { Bus, Clock, LocalPresence, PresenceDirectory } from "../kernel/ports.js";
import { pushFrame } from "../messaging/push.js";

/**
 * Presence: who is online (on any node), and who asked to be told. A user
 * is online while any device is connected; "away" is set by the client when
 * idle. This node counts its own sessions and reports them to the
 * directory, which combines all nodes. Watchers are counted per
 * subscription on this node, so the gateway subscribes once per session and
 * unsubscribes what it subscribed when the session ends; every node tells
 * its own watchers.
 */
export class Presence {
  private readonly local = new Map<string, LocalPresence>();
  private readonly watchers = new Map<string, Map<string, number>>();

  constructor(
    private readonly bus: Bus,
    private readonly directory: PresenceDirectory,
    private readonly clock: Clock,
    private readonly limits: CoreLimits,
  ) {
    directory.onChange((userId) => this.notify(userId));
  }

  connected(userId: string): void {
    const o = this.local.get(userId);
    if (o) {
      o.sessions++;
      return;
    }
    const fresh = { sessions: 1, away: false };
    this.local.set(userId, fresh);
    this.directory.report(userId, { ...fresh });
  }

  /** This node's sessions of the user, native and XMPP. */
  localSessions(userId: string): number {
    return this.local.get(userId)?.sessions ?? 0;
  }

  disconnected(userId: string): void {
    const o = this.local.get(userId);
    if (!o) return;
    if (--o.sessions > 0) return;
    this.local.delete(userId);
    this.directory.report(userId, undefined);
  }

  setStatus(userId: string, status: PresenceStatus): void {
    if (status !== PresenceStatus.ONLINE && status !== PresenceStatus.AWAY) {
      throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "status must be online or away", {
        details: { field: "status" },
      });
    }
    const o = this.local.get(userId);
    if (!o) return;
    const away = status === PresenceStatus.AWAY;
    if (o.away === away) return;
    o.away = away;
    this.directory.report(userId, { ...o });
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
    const ids = [...new Set(userIds.map((id) => completeUserId(id, domain, "user_ids")))];
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
    const v = this.directory.view(userId);
    const status = !v.online ? PresenceStatus.OFFLINE : v.away ? PresenceStatus.AWAY : PresenceStatus.ONLINE;
    return create(PresenceStateSchema, {
      userId,
      status,
      lastSeen: BigInt(v.online ? this.clock.now() : v.lastSeen),
    });
  }

  private notify(userId: string): void {
    const w = this.watchers.get(userId);
    if (!w || w.size === 0) return;
    this.bus.publishLocal([...w.keys()], pushFrame({ case: "presence", value: this.state(userId) }));
  }
}

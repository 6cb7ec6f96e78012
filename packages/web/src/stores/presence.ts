import { type PresenceState, PresenceStatus } from "@starling/sdk";
import type { Session } from "./session.js";
import { Store } from "./store.js";

/** Presence is asked for this many people at a time. */
const BATCH = 500;

export type PresenceShown = "online" | "away" | "offline";

/** Whether the people this client watches (its 1:1 peers) are online, away or offline. */
export class Presence extends Store {
  private readonly status = new Map<string, PresenceStatus>();
  private readonly watched = new Set<string>();

  constructor(private readonly session: Session) {
    super();
  }

  /** A watched user's presence; undefined for one not watched (or not answered yet). */
  presenceOf(userId: string): PresenceShown | undefined {
    const s = this.status.get(userId);
    if (s === PresenceStatus.ONLINE) return "online";
    if (s === PresenceStatus.AWAY) return "away";
    return s ? "offline" : undefined;
  }

  /** After a (re)login: every peer is watched afresh. */
  restart(): void {
    this.watched.clear();
    this.watchPeers();
  }

  /** Watches the presence of every 1:1 peer not watched yet. */
  watchPeers(): void {
    const c = this.session.client;
    if (!c) return;
    const peers = [...c.conversations.values()]
      .map((conv) => conv.peerId)
      .filter((p) => p && !this.watched.has(p))
      .slice(0, BATCH);
    if (peers.length === 0) return;
    for (const p of peers) this.watched.add(p);
    void c
      .subscribePresence(peers)
      .then((states) => {
        if (!this.session.owns(c)) return;
        for (const st of states) this.status.set(st.userId, st.status);
        this.changed();
      })
      .catch(() => {
        for (const p of peers) this.watched.delete(p);
      });
  }

  received(st: PresenceState): void {
    this.status.set(st.userId, st.status);
    this.changed();
  }

  reset(): void {
    this.status.clear();
    this.watched.clear();
    this.changed();
  }
}

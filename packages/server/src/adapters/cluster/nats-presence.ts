import type {
  Clock,
  LocalPresence,
  Logger,
  PresenceDirectory,
  PresenceView,
} from "../../core/kernel/ports.js";
import type { NatsLink } from "./nats-link.js";

export interface NatsPresenceOptions {
  prefix: string;
  nodeId: string;
  /** Every node says it is alive this often; a node silent for three intervals is taken as dead. */
  heartbeatMs: number;
}

type Message =
  | { t: "state"; n: string; u: string; s?: LocalPresence }
  /** `c`: the node's count of client sessions. */
  | { t: "alive"; n: string; c?: number }
  | { t: "hello"; n: string }
  | { t: "snapshot"; n: string; all: [string, LocalPresence][] };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The presence table of a cluster. Each node broadcasts changes of its own
 * users and a heartbeat; a new node asks the others for their tables. When
 * a node stops beating (crash, partition), its users count as disconnected
 * after three intervals, so their watchers see them go offline. When this
 * node's link returns after an outage it sends its whole table again (the
 * changes it broadcast meanwhile were dropped) and asks for everyone's.
 */
export class NatsPresenceDirectory implements PresenceDirectory {
  private readonly nodes = new Map<
    string,
    { heard: number; users: Map<string, LocalPresence>; sessions: number }
  >();
  private readonly lastSeen = new Map<string, number>();
  private readonly listeners: ((userId: string) => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private sessions = 0;

  constructor(
    private readonly link: NatsLink,
    private readonly opts: NatsPresenceOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.nodes.set(opts.nodeId, { heard: Number.POSITIVE_INFINITY, users: new Map(), sessions: 0 });
    link.subscribe(`${opts.prefix}.presence`, (data) =>
      this.receive(JSON.parse(decoder.decode(data)) as Message),
    );
    link.onUp(() => {
      this.send({ t: "hello", n: opts.nodeId });
      this.send(this.snapshot());
    });
    this.timer = setInterval(() => this.beat(), opts.heartbeatMs);
    this.timer.unref();
  }

  report(userId: string, state: LocalPresence | undefined): void {
    this.apply(this.opts.nodeId, userId, state);
    this.send({ t: "state", n: this.opts.nodeId, u: userId, ...(state ? { s: state } : {}) });
  }

  view(userId: string): PresenceView {
    let online = false;
    let away = true;
    for (const node of this.nodes.values()) {
      const s = node.users.get(userId);
      if (!s) continue;
      online = true;
      away &&= s.away;
    }
    return { online, away: online && away, lastSeen: this.lastSeen.get(userId) ?? 0 };
  }

  onChange(listener: (userId: string) => void): void {
    this.listeners.push(listener);
  }

  reportLoad(sessions: number): void {
    this.sessions = sessions;
  }

  loads(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, node] of this.nodes) out.set(id, id === this.opts.nodeId ? this.sessions : node.sessions);
    return out;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  private receive(m: Message): void {
    if (m.n === this.opts.nodeId) return;
    // A node we do not know (new, or dropped after a network blip on either
    // side) is asked for its table; the snapshot it sends restores its users.
    if (!this.nodes.has(m.n) && m.t !== "snapshot" && m.t !== "hello")
      this.send({ t: "hello", n: this.opts.nodeId });
    const node = this.node(m.n);
    node.heard = this.clock.now();
    switch (m.t) {
      case "state":
        this.apply(m.n, m.u, m.s);
        break;
      case "hello":
        this.send(this.snapshot());
        break;
      case "snapshot": {
        // The whole table: users missing from it left while we were not listening.
        const now = new Set(m.all.map(([u]) => u));
        for (const u of [...node.users.keys()]) if (!now.has(u)) this.apply(m.n, u, undefined);
        for (const [u, s] of m.all) this.apply(m.n, u, s);
        break;
      }
      case "alive":
        if (typeof m.c === "number") node.sessions = m.c;
        break;
    }
  }

  private node(id: string) {
    let n = this.nodes.get(id);
    if (!n) this.nodes.set(id, (n = { heard: this.clock.now(), users: new Map(), sessions: 0 }));
    return n;
  }

  private apply(nodeId: string, userId: string, state: LocalPresence | undefined): void {
    const users = this.node(nodeId).users;
    const was = this.view(userId);
    if (state) users.set(userId, { sessions: state.sessions, away: state.away });
    else users.delete(userId);
    const now = this.view(userId);
    if (was.online && !now.online) this.lastSeen.set(userId, this.clock.now());
    if (was.online !== now.online || was.away !== now.away) for (const l of this.listeners) l(userId);
  }

  private beat(): void {
    this.send({ t: "alive", n: this.opts.nodeId, c: this.sessions });
    const deadline = this.clock.now() - 3 * this.opts.heartbeatMs;
    for (const [id, node] of this.nodes) {
      if (node.heard >= deadline) continue;
      this.log.warn({ node: id, users: node.users.size }, "cluster node lost; its users are offline");
      this.nodes.delete(id);
      for (const userId of node.users.keys()) {
        if (!this.view(userId).online) {
          this.lastSeen.set(userId, this.clock.now());
          for (const l of this.listeners) l(userId);
        }
      }
    }
  }

  private snapshot(): Message {
    return { t: "snapshot", n: this.opts.nodeId, all: [...(this.nodes.get(this.opts.nodeId)?.users ?? [])] };
  }

  private send(m: Message): void {
    this.link.publish(`${this.opts.prefix}.presence`, encoder.encode(JSON.stringify(m)));
  }
}

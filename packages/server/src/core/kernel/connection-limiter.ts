import type { LogThrottle } from "./log-throttle.js";
import { type Metrics, NO_METRICS } from "./metrics.js";

/** Caps on connections, shared by every listener of this node; 0 turns a cap off. */
export interface ConnectionLimits {
  /** Open connections from one address, on all doors together (HTTP sockets included). */
  maxPerAddress: number;
  /** Of those, connections of the session doors (native, XMPP) not yet logged in. */
  maxUnauthenticatedPerAddress: number;
  /** Sessions of one user on this node, native and XMPP together. */
  maxSessionsPerUser: number;
  /** Addresses no per-address cap applies to (a reverse proxy or load balancer). */
  exemptAddresses: readonly string[];
}

/** The ways in, for log lines. */
export type Door = "native-tcp" | "native-ws" | "xmpp-tcp" | "xmpp-ws" | "http";

interface AddressCount {
  total: number;
  unauthenticated: number;
}

/**
 * The key an address is counted under. IPv4-mapped IPv6 is the IPv4
 * address; other IPv6 addresses count by their /64, since one subscriber
 * usually holds a whole /64 and could otherwise spread across it.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("%")[0]?.split("::") ?? [];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/**
 * One connection's place in the counts: taken when the listener accepts it,
 * released when it closes. A refused ticket counts nothing and says why.
 */
export class ConnectionTicket {
  private state: "unauthenticated" | "authenticated" | "released";
  /** A session door's connection that logged in: counted in starling_sessions until released. */
  private loggedIn = false;

  constructor(
    private readonly counts: AddressCount | undefined,
    counted: "session" | "socket",
    /** Why the connection is refused; undefined when it is admitted. */
    readonly refusal: string | undefined,
    private readonly onEmpty: () => void,
    private readonly door: Door = "http",
    private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.state = counted === "session" && !refusal ? "unauthenticated" : "authenticated";
    if (!refusal) metrics.add("starling_connections", 1, { door });
  }

  /** The connection logged in: it no longer counts as unauthenticated. */
  authenticated(): void {
    if (this.state !== "unauthenticated") return;
    this.state = "authenticated";
    this.loggedIn = true;
    this.metrics.add("starling_sessions", 1, { door: this.door });
    if (this.counts && !this.refusal) this.counts.unauthenticated--;
  }

  release(): void {
    if (this.state === "released") return;
    const wasLoggedIn = this.loggedIn;
    if (this.state === "unauthenticated") {
      this.state = "authenticated";
      if (this.counts && !this.refusal) this.counts.unauthenticated--;
    }
    this.state = "released";
    if (wasLoggedIn) this.metrics.add("starling_sessions", -1, { door: this.door });
    if (!this.refusal) this.metrics.add("starling_connections", -1, { door: this.door });
    if (!this.counts || this.refusal) return;
    if (--this.counts.total === 0) this.onEmpty();
  }
}

/**
 * The one home of the per-address and per-user connection caps of a node:
 * every listener asks it before serving a connection, and it writes the
 * (throttled) log line when one is refused or times out.
 */
export class ConnectionLimiter {
  private readonly byAddress = new Map<string, AddressCount>();
  private readonly exempt: Set<string>;

  constructor(
    private readonly limits: ConnectionLimits,
    /** This node's open sessions of a user (the presence count). */
    private readonly sessionsOf: (userId: string) => number,
    private readonly log: LogThrottle,
    private readonly metrics: Metrics = NO_METRICS,
  ) {
    this.exempt = new Set(limits.exemptAddresses.map(addressKey));
  }

  /**
   * A listener accepted a connection. "session" connections (native and
   * XMPP) count as unauthenticated until they log in; "socket" ones (HTTP)
   * count towards the total only.
   */
  admit(address: string, door: Door, counted: "session" | "socket"): ConnectionTicket {
    const key = addressKey(address);
    if (this.exempt.has(key))
      return new ConnectionTicket(undefined, counted, undefined, () => {}, door, this.metrics);
    let c = this.byAddress.get(key);
    if (!c) this.byAddress.set(key, (c = { total: 0, unauthenticated: 0 }));
    const { maxPerAddress, maxUnauthenticatedPerAddress } = this.limits;
    let refusal: string | undefined;
    let limit = "address";
    if (maxPerAddress > 0 && c.total >= maxPerAddress) refusal = "too many connections from this address";
    else if (
      counted === "session" &&
      maxUnauthenticatedPerAddress > 0 &&
      c.unauthenticated >= maxUnauthenticatedPerAddress
    ) {
      refusal = "too many connections from this address waiting to log in";
      limit = "unauthenticated";
    }
    const counts = c;
    const ticket = new ConnectionTicket(
      counts,
      counted,
      refusal,
      () => {
        if (this.byAddress.get(key) === counts) this.byAddress.delete(key);
      },
      door,
      this.metrics,
    );
    if (refusal) {
      this.metrics.inc("starling_connections_refused_total", { door, limit });
      if (c.total === 0) this.byAddress.delete(key);
      this.log.warn("connection refused", { ip: address, door, reason: refusal, open: c.total });
      return ticket;
    }
    c.total++;
    if (counted === "session") c.unauthenticated++;
    return ticket;
  }

  /** Whether `userId` may open one more session; logs a refusal. */
  sessionAllowed(userId: string, address: string, door: Door): boolean {
    const max = this.limits.maxSessionsPerUser;
    if (max <= 0 || this.sessionsOf(userId) < max) return true;
    this.metrics.inc("starling_connections_refused_total", { door, limit: "sessions" });
    this.log.warn("session refused", {
      ip: address,
      door,
      user: userId,
      reason: "too many sessions",
      limit: max,
    });
    return false;
  }

  /** A connection ran out of time: its TLS handshake, its login, an HTTP request or an idle HTTP socket. */
  timedOut(
    what: "tls handshake" | "login" | "http request" | "http idle",
    address: string,
    door: Door,
  ): void {
    this.log.info(`${what} timed out`, { ip: address, door });
  }

  /** Open connections counted for an address (exempt ones are not counted). */
  openFrom(address: string): { total: number; unauthenticated: number } {
    const c = this.byAddress.get(addressKey(address));
    return { total: c?.total ?? 0, unauthenticated: c?.unauthenticated ?? 0 };
  }
}

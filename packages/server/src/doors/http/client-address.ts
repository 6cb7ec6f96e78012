import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";

/** Whether the peer at `address`, `hop` proxies away from this server (0: the socket's peer), is a trusted proxy. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * The one rule for a client's address over HTTP (http.trustProxy): the socket's peer, unless
 * that peer is a trusted proxy, in which case X-Forwarded-For is read from the right, past
 * every trusted hop, to the first address that is not one. With no trusted proxies the header
 * is ignored, so a client cannot choose its own rate-limit bucket or lockout by sending it.
 * Fastify's `req.ip` is built from the same trust function, and the WebSocket upgrades (which
 * bypass fastify) call `clientAddress`, so rate limits, login lockouts, audit entries and logs
 * all see the same address.
 */
export function proxyTrust(addresses: readonly string[]): ProxyTrust {
  if (addresses.length === 0) return () => false;
  return proxyAddr.compile([...addresses]);
}

export function clientAddress(req: IncomingMessage, trust: ProxyTrust): string {
  if (!req.socket.remoteAddress) return "";
  return proxyAddr(req, trust);
}

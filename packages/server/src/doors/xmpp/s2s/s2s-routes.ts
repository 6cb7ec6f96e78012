import { promises as dns } from "node:dns";

export interface S2sTarget {
  host: string;
  port: number;
}

/** The IANA port for server-to-server XMPP (RFC 6120 section 14.7). */
export const XMPP_SERVER_PORT = 5269;

/**
 * `domain=host:port,...` (push.xmpp.routes) as a map; a problem is returned as a sentence.
 * Routes name app servers that DNS does not (a private network, tests).
 */
export function parseRoutes(text: string): Map<string, S2sTarget> | string {
  const out = new Map<string, S2sTarget>();
  for (const entry of text.split(",").map((s) => s.trim())) {
    if (!entry) continue;
    const m = /^([a-z0-9.-]+)=(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/i.exec(entry);
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535) return `"${entry}" is not domain=host:port`;
    out.set((m[1] as string).toLowerCase(), { host: (m[2] as string).replace(/^\[|\]$/g, ""), port });
  }
  return out;
}

/**
 * Where a domain's XMPP server listens for other servers (RFC 6120 section 3.2): a configured
 * route, else the `_xmpp-server._tcp` SRV records by priority and weight (RFC 2782), else the
 * domain itself on 5269. A lone "." target says the service is not offered there.
 */
export async function resolveS2s(domain: string, routes: Map<string, S2sTarget>): Promise<S2sTarget[]> {
  const route = routes.get(domain);
  if (route) return [route];
  let records: { name: string; port: number; priority: number; weight: number }[] = [];
  try {
    records = await dns.resolveSrv(`_xmpp-server._tcp.${domain}`);
  } catch {
    records = [];
  }
  if (records.length === 1 && (records[0]?.name === "" || records[0]?.name === ".")) return [];
  if (records.length === 0) return [{ host: domain, port: XMPP_SERVER_PORT }];
  return records
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    .map((r) => ({ host: r.name, port: r.port }));
}

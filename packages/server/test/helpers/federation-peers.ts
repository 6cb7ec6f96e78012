import { adminKey } from "../../src/index.js";
import { apiRequest, startTestServer, type TestServer } from "./test-server.js";

/** A server of its own domain with federation on (port 0), and its admin key. */
export async function startPeer(domain: string, flags: Record<string, unknown> = {}): Promise<TestServer> {
  return startTestServer({
    domain,
    "federation.enabled": true,
    "federation.heartbeatMs": 1000,
    "federation.backoffMaxMs": 500,
    ...flags,
  });
}

/** The admin API of a test server, with its admin key. */
export function admin(ts: TestServer, method: string, path: string, body?: unknown) {
  return apiRequest(ts, method, `/admin/federation${path}`, adminKey(ts.dataDir), body);
}

/**
 * Adds on `from` a link to `to`, pinned to `to`'s certificate (or `pin`), at `endpoint` (default
 * `to`'s port), admitting `allowUsers` of `from`'s side.
 */
export async function link(
  from: TestServer,
  to: TestServer,
  opts: { endpoint?: string; pin?: string; allowUsers?: string[] } = {},
): Promise<void> {
  const r = await admin(from, "POST", "/links", {
    peerDomain: to.domain,
    endpoint: opts.endpoint ?? `127.0.0.1:${to.server.federationPort}`,
    pin: opts.pin ?? to.server.tlsFingerprint,
    ...(opts.allowUsers ? { allow: { users: opts.allowUsers } } : {}),
  });
  if (r.status !== 201) throw new Error(`link ${from.domain} -> ${to.domain}: ${JSON.stringify(r)}`);
}

/** Queues a ping from `from` to `to`; its seq. */
export async function ping(from: TestServer, to: TestServer, body: string): Promise<number> {
  const r = await admin(from, "POST", `/links/${to.domain}/ping`, { body });
  if (r.status !== 200) throw new Error(`ping ${body}: ${JSON.stringify(r)}`);
  return Number(r.body.seq);
}

/** The bodies of the pings `at` received from `from`'s domain, in seq order. */
export async function pingsAt(at: TestServer, fromDomain: string): Promise<string[]> {
  const r = await admin(at, "GET", `/links/${fromDomain}/pings`);
  return (r.body.pings as { body: string }[]).map((p) => p.body);
}

/** The server's metrics, read with its admin key. */
export function metricsOf(ts: TestServer): Promise<string> {
  return fetch(`http://127.0.0.1:${ts.server.httpPort}/metrics`, {
    headers: { authorization: `Bearer ${adminKey(ts.dataDir)}` },
  }).then((r) => r.text());
}

/** How many times `ts` counted a refusal of `reason` from `peer`. */
export async function refusedCount(ts: TestServer, peer: string, reason: string): Promise<number> {
  const m = new RegExp(
    `starling_federation_refused_total\\{peer="${peer}",reason="${reason}"\\} (\\d+)`,
  ).exec(await metricsOf(ts));
  return Number(m?.[1] ?? 0);
}

/**
 * `starling serve` flags of a.test as a child process that a test kills: federation on, quick to
 * reconnect after the restart, and no request limit in the way of the traffic it is killed under.
 */
export const CRASHING_SENDER_FLAGS: readonly string[] = [
  "--domain",
  "a.test",
  "--federation-enabled",
  "true",
  "--federation-backoff-max-ms",
  "500",
  "--limits-requests-per-second",
  "100000",
  "--limits-request-burst",
  "100000",
];

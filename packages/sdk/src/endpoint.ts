import { ErrorCode, StarlingError } from "@starling/protocol";

export type EndpointScheme = "tls" | "tcp" | "ws" | "wss";

export interface Endpoint {
  scheme: EndpointScheme;
  host: string;
  port: number;
  /** The URL as given, normalised; what a WebSocket connects to. */
  url: string;
}

/** The native protocol's default TCP port (docs: "Default listeners"). */
export const DEFAULT_TCP_PORT = 5202;

const DEFAULT_PORTS: Record<EndpointScheme, number> = {
  tls: DEFAULT_TCP_PORT,
  tcp: DEFAULT_TCP_PORT,
  ws: 80,
  wss: 443,
};

/** Parses "tls://host:port", "tcp://host:port", "ws://host:port/ws" or "wss://...". */
export function parseEndpoint(endpoint: string): Endpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid(endpoint, "not a URL");
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== "tls" && scheme !== "tcp" && scheme !== "ws" && scheme !== "wss") {
    throw invalid(endpoint, "scheme must be tls, tcp, ws or wss");
  }
  // IPv6 literals come back bracketed; sockets want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw invalid(endpoint, "no host");
  const port = url.port === "" ? DEFAULT_PORTS[scheme] : Number(url.port);
  return { scheme, host, port, url: url.toString() };
}

function invalid(endpoint: string, why: string): StarlingError {
  return new StarlingError(ErrorCode.INVALID_ARGUMENT, `bad endpoint ${JSON.stringify(endpoint)}: ${why}`, {
    details: { endpoint },
  });
}

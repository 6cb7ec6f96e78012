import { StarlingClient } from "./client.js";
import { parseEndpoint } from "./endpoint.js";
import { deflateCompressor } from "./node-deflate.js";
import { TcpTransport, type TlsOptions } from "./node-tcp-transport.js";
import { NodeWebSocketTransport } from "./node-ws-transport.js";
import type { ClientOptions } from "./options.js";
import type { TransportFactory } from "./transport.js";

export * from "./index.js";
export { deflateCompressor } from "./node-deflate.js";
export { fromOnboarding, type Onboarding, pinnedFetch } from "./node-onboarding.js";
export { CertificatePinError } from "./node-pin.js";
export { TcpTransport, type TcpTransportOptions, type TlsOptions } from "./node-tcp-transport.js";
export { NodeWebSocketTransport, type NodeWebSocketTransportOptions } from "./node-ws-transport.js";

/** Frames larger than this are refused before being buffered (16 MiB). */
const DEFAULT_NODE_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface NodeTransportOptions {
  /** Certificate checks for tls:// and wss://. */
  tls?: TlsOptions;
  /** Largest frame accepted from the server. Default 16 MiB. */
  maxFrameBytes?: number;
}

export interface NodeClientOptions
  extends Omit<ClientOptions, "transport" | "compressor">,
    NodeTransportOptions {
  /** Offer raw DEFLATE for large frames. Default true. */
  compression?: boolean;
  /** Replaces the transport picked from the endpoint's scheme. */
  transport?: TransportFactory;
}

/** tls:// and tcp:// over node:tls / node:net; ws:// and wss:// over the `ws` package. */
export function nodeTransportFactory(options: NodeTransportOptions = {}): TransportFactory {
  const tls = options.tls ?? {};
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_NODE_MAX_FRAME_BYTES;
  return (endpoint) => {
    const ep = parseEndpoint(endpoint);
    if (ep.scheme === "ws" || ep.scheme === "wss")
      return new NodeWebSocketTransport({ url: ep.url, tls, maxFrameBytes });
    return new TcpTransport({
      host: ep.host,
      port: ep.port,
      tls: ep.scheme === "tls" ? tls : null,
      maxFrameBytes,
    });
  };
}

/** A StarlingClient with Node transports and deflate compression. */
export function createNodeClient(options: NodeClientOptions): StarlingClient {
  const { tls, maxFrameBytes, compression, transport, ...rest } = options;
  return new StarlingClient({
    ...rest,
    device: { platform: "node", ...options.device },
    transport:
      transport ??
      nodeTransportFactory({ ...(tls ? { tls } : {}), ...(maxFrameBytes ? { maxFrameBytes } : {}) }),
    ...(compression === false ? {} : { compressor: deflateCompressor }),
  });
}

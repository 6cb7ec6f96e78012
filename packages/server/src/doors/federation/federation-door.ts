import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { ErrorCode } from "@starling/protocol";
import type { Federation } from "../../core/federation/federation.js";
import { LogThrottle } from "../../core/kernel/log-throttle.js";
import type { Metrics } from "../../core/kernel/metrics.js";
import type { Clock, Logger } from "../../core/kernel/ports.js";
import { listen } from "../net/listen.js";
import { type ServerTlsSettings, serverTlsOptions } from "../net/tls-options.js";
import { InboundLink } from "./inbound.js";
import { LinkEvents } from "./link-events.js";
import { LinkRunner } from "./link-runner.js";

export interface FederationDoorOptions {
  host: string;
  port: number;
  /** Our certificate: the listener's, and the client certificate we present when dialling. */
  tls: ServerTlsSettings;
  maxFrameBytes: number;
  handshakeTimeoutMs: number;
  heartbeatMs: number;
  framesPerSecond: number;
  frameBurst: number;
  backoffMinMs: number;
  backoffMaxMs: number;
}

/** Frames sent to a peer and not yet acknowledged, at most. */
const SEND_WINDOW = 1024;

/**
 * How often the runners are brought in line with the stored links: a change made on another
 * node of a cluster reaches this one within it (a change made here applies at once).
 */
const SYNC_MS = 5000;

/**
 * Federation's door: the listener on port 5269 that peers dial to send us
 * their frames, and one runner per active link that dials the peer to send
 * ours. Link changes start and stop runners and close connections of a link
 * that was suspended or removed.
 */
export class FederationDoor {
  private server: tls.Server | undefined;
  private readonly runners = new Map<string, LinkRunner>();
  private readonly inbound = new Set<InboundLink>();
  private readonly events: LinkEvents;
  private closing = false;
  private syncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fed: Federation,
    private readonly opts: FederationDoorOptions,
    log: Logger,
    metrics: Metrics,
    clock: Clock,
  ) {
    this.events = new LinkEvents(log, metrics, new LogThrottle(log, clock));
    fed.links.onChange((peer) => void this.linkChanged(peer));
    fed.outbox.onQueued((peer) => this.runners.get(peer)?.wake());
  }

  /** Listens, and starts a runner for every active link; resolves with the port. */
  async start(): Promise<number> {
    const server = tls.createServer({
      ...serverTlsOptions(this.opts.tls),
      // Mutual TLS: the peer must present a certificate, which is checked against its link once
      // its Hello names it (the platform's CA list knows nothing of a link's pin).
      requestCert: true,
      rejectUnauthorized: false,
      handshakeTimeout: this.opts.handshakeTimeoutMs,
    });
    server.on("secureConnection", (socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      new InboundLink(
        socket,
        this.fed,
        this.events,
        {
          maxFrameBytes: this.opts.maxFrameBytes,
          heartbeatMs: this.opts.heartbeatMs,
          helloTimeoutMs: this.opts.handshakeTimeoutMs,
          framesPerSecond: this.opts.framesPerSecond,
          frameBurst: this.opts.frameBurst,
        },
        this.inbound,
      );
    });
    server.on("tlsClientError", (err, socket) => {
      this.events.log.debug(
        { ip: socket.remoteAddress, err: err.message },
        "federation tls handshake failed",
      );
    });
    this.server = await listen(server, this.opts.port, this.opts.host);
    await this.sync();
    this.syncTimer = setInterval(() => void this.sync().catch(() => {}), SYNC_MS);
    this.syncTimer.unref();
    return (this.server.address() as AddressInfo).port;
  }

  /** Starts a runner for every active link without one, and ends what a link no longer allows. */
  private async sync(): Promise<void> {
    const active = new Set(await this.fed.links.activePeers());
    if (this.closing) return;
    for (const peer of active) if (!this.runners.has(peer)) this.startRunner(peer);
    const gone = new Set([...this.runners.keys(), ...[...this.inbound].map((l) => l.peerDomain)]);
    for (const peer of gone) if (peer && !active.has(peer)) await this.linkChanged(peer);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.syncTimer);
    for (const r of this.runners.values()) r.stop();
    this.runners.clear();
    for (const l of this.inbound) l.close(ErrorCode.SHUTTING_DOWN, "server shutting down");
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async linkChanged(peer: string): Promise<void> {
    if (this.closing) return;
    const link = await this.fed.links.get(peer).catch(() => undefined);
    const active = link?.state === "active";
    if (!active) {
      this.runners
        .get(peer)
        ?.stop(
          link ? ErrorCode.FEDERATION_LINK_SUSPENDED : ErrorCode.FEDERATION_NOT_LINKED,
          link ? "the link is suspended" : "the link was removed",
        );
      this.runners.delete(peer);
      for (const l of this.inbound)
        if (l.peerDomain === peer)
          l.close(
            link ? ErrorCode.FEDERATION_LINK_SUSPENDED : ErrorCode.FEDERATION_NOT_LINKED,
            link ? "the link is suspended" : "the link was removed",
          );
      return;
    }
    if (!this.runners.has(peer)) this.startRunner(peer);
  }

  private startRunner(peer: string): void {
    const runner = new LinkRunner(peer, this.fed, this.events, {
      maxFrameBytes: this.opts.maxFrameBytes,
      heartbeatMs: this.opts.heartbeatMs,
      tls: {
        key: String(this.opts.tls.key),
        cert: String(this.opts.tls.cert),
        minVersion: this.opts.tls.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2",
      },
      handshakeTimeoutMs: this.opts.handshakeTimeoutMs,
      backoffMinMs: this.opts.backoffMinMs,
      backoffMaxMs: this.opts.backoffMaxMs,
      window: SEND_WINDOW,
    });
    this.runners.set(peer, runner);
    runner.start();
  }
}

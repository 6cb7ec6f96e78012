import { isIP } from "node:net";
import tls from "node:tls";
import { ErrorCode, type federation } from "@starling/protocol";
import type { Federation } from "../../core/federation/federation.js";
import type { LinkEvents } from "./link-events.js";
import { type LinkClosed, LinkSocket, type LinkSocketOptions } from "./link-socket.js";
import { peerTrusted } from "./peer-trust.js";

export interface RunnerOptions extends LinkSocketOptions {
  /** Our certificate and key, presented to the peer, and the oldest TLS version. */
  tls: { key: string; cert: string; minVersion: "TLSv1.2" | "TLSv1.3" };
  /** The TLS handshake and the peer's Hello answer must both come within this. */
  handshakeTimeoutMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Frames sent and not yet acknowledged, at most. */
  window: number;
}

/**
 * This node's outbound side of one link: dials the peer, checks its
 * certificate against the link, says Hello, and sends the outbox in seq order
 * from the seq after the one the peer's Hello says it applied, so whatever a
 * dropped connection left unacknowledged is sent again. Acknowledged frames
 * are deleted. While the peer cannot be reached it retries with exponential
 * backoff and full jitter, and logs once when the link goes down and once
 * when it comes back.
 */
export class LinkRunner {
  private socket: LinkSocket | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private up = false;
  /** Whether the current down episode was logged. */
  private downLogged = false;
  private sentUpTo = 0;
  private acked = 0;
  private pumping = false;
  private again = false;
  private depthShown = 0;
  private depthAt = 0;
  private depthTimer: NodeJS.Timeout | undefined;
  /** An acknowledgement's deletion is running; later acks only raise `acked` and are deleted after it. */
  private deleting = false;

  constructor(
    readonly peer: string,
    private readonly fed: Federation,
    private readonly events: LinkEvents,
    private readonly opts: RunnerOptions,
  ) {}

  start(): void {
    this.connect();
  }

  stop(code: ErrorCode = ErrorCode.SHUTTING_DOWN, reason = "server shutting down"): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.depthTimer);
    this.socket?.close(code, reason);
    this.setUp(false);
    this.showDepth(0);
  }

  /** New frames are queued: send them if connected (otherwise they wait for the next connection). */
  wake(): void {
    if (this.up) void this.pump();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let link: Awaited<ReturnType<Federation["links"]["get"]>>;
    try {
      link = await this.fed.links.get(this.peer);
    } catch {
      this.retry(); // the store cannot be read now: try again like a peer that is down
      return;
    }
    if (this.stopped || link?.state !== "active") return;
    await this.refreshDepth().catch(() => {}); // only the gauge is late
    const { host, port } = splitEndpoint(link.endpoint);
    const raw = tls.connect({
      host,
      port,
      key: this.opts.tls.key,
      cert: this.opts.tls.cert,
      minVersion: this.opts.tls.minVersion,
      // The peer is checked against the link below (pin or CA), not against the system's CAs.
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
    });
    raw.setNoDelay(true);
    const deadline = setTimeout(() => {
      this.events.refused(this.peer, "handshake_timeout", { endpoint: link.endpoint });
      raw.destroy();
    }, this.opts.handshakeTimeoutMs);
    deadline.unref();
    let helloed = false;
    const socket = new LinkSocket(
      raw,
      this.opts,
      (env) => {
        if (!helloed) {
          clearTimeout(deadline);
          helloed = true;
          this.onHello(env);
          return;
        }
        if (env.kind.case === "ack") void this.onAck(Number(env.kind.value.seq));
      },
      (closed) => {
        clearTimeout(deadline);
        this.onClosed(closed, link.endpoint);
      },
    );
    this.socket = socket;
    raw.once("secureConnect", () => {
      if (!peerTrusted(link, raw.getPeerCertificate().raw, Date.now())) {
        this.events.refused(this.peer, "bad_certificate", { endpoint: link.endpoint });
        socket.close(ErrorCode.FEDERATION_BAD_CERTIFICATE, "your certificate is not the one the link trusts");
        return;
      }
      socket.send({
        kind: {
          case: "hello",
          value: { fromDomain: this.fed.localDomain, toDomain: this.peer, appliedSeq: 0n, version: 1 },
        },
      });
    });
  }

  private onHello(env: federation.FederationEnvelope): void {
    const socket = this.socket;
    if (!socket) return;
    if (env.kind.case !== "hello") {
      socket.close(ErrorCode.HELLO_REQUIRED, "Hello first");
      return;
    }
    const h = env.kind.value;
    if (h.fromDomain.toLowerCase() !== this.peer || h.toDomain.toLowerCase() !== this.fed.localDomain) {
      this.events.refused(this.peer, "domain_mismatch", {
        from: h.fromDomain.slice(0, 253),
        to: h.toDomain.slice(0, 253),
      });
      socket.close(ErrorCode.FEDERATION_DOMAIN_MISMATCH, `expected ${this.peer}`);
      return;
    }
    this.attempt = 0;
    this.acked = this.sentUpTo = Number(h.appliedSeq);
    this.setUp(true);
    void this.onAck(this.acked);
  }

  private async onAck(seq: number): Promise<void> {
    if (seq > this.acked) this.acked = seq;
    // Acks come one per frame: one deletion at a time covers every ack that came meanwhile.
    if (this.deleting) return;
    this.deleting = true;
    try {
      for (let done = -1; done < this.acked; ) {
        const upTo = this.acked;
        await this.fed.outbox.acknowledged(this.peer, upTo);
        done = upTo;
      }
      await this.refreshDepth();
    } catch (err) {
      // The frames stay; the next Hello's mark deletes them.
      this.events.log.warn(
        { peer: this.peer, err: err instanceof Error ? err.message : String(err) },
        "federation ack not recorded",
      );
    } finally {
      this.deleting = false;
    }
    await this.pump();
  }

  /** Sends queued frames after the last sent, within the window; runs once at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        while (
          this.up &&
          this.socket &&
          !this.socket.isClosed &&
          this.sentUpTo - this.acked < this.opts.window
        ) {
          const frames = await this.fed.outbox.pending(this.peer, this.sentUpTo);
          if (frames.length === 0 || !this.up) break;
          for (const f of frames) {
            if (f.seq !== this.sentUpTo + 1 || !this.socket || this.socket.isClosed) break;
            this.socket.send({
              kind: { case: "frame", value: { seq: BigInt(f.seq), kind: f.kind, payload: f.payload } },
            });
            this.sentUpTo = f.seq;
            this.events.metrics.inc("starling_federation_frames_sent_total", { peer: this.peer });
          }
        }
      } while (this.again);
    } catch (err) {
      this.events.log.warn(
        { peer: this.peer, err: err instanceof Error ? err.message : String(err) },
        "federation outbox not readable",
      );
      this.socket?.close(ErrorCode.UNAVAILABLE, "sender cannot read its queue");
    } finally {
      this.pumping = false;
    }
  }

  private onClosed(closed: LinkClosed, endpoint: string): void {
    this.socket = undefined;
    const wasUp = this.up;
    this.setUp(false);
    if (this.stopped) return;
    if (wasUp || !this.downLogged) {
      this.downLogged = true;
      this.events.log.warn(
        { peer: this.peer, endpoint, by: closed.by, code: closed.code, reason: closed.reason },
        "federation link down; frames stay queued until it is back",
      );
    }
    this.retry();
  }

  /**
   * Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): peers that went down
   * together do not all dial at the same moment.
   */
  private retry(): void {
    if (this.stopped) return;
    const ceiling = Math.min(
      this.opts.backoffMaxMs,
      this.opts.backoffMinMs * 2 ** Math.min(this.attempt, 20),
    );
    this.attempt++;
    const wait = Math.max(this.opts.backoffMinMs, Math.floor(Math.random() * ceiling));
    this.timer = setTimeout(() => void this.connect(), wait);
    this.timer.unref();
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.events.metrics.add("starling_federation_link_up", up ? 1 : -1, { peer: this.peer });
    if (up) {
      this.events.log.info({ peer: this.peer, appliedSeq: this.acked }, "federation link up");
      this.downLogged = false;
    }
  }

  /**
   * At most once a second, the last request of a second answered at its end: counting a long
   * backlog at every ack would cost more than sending it.
   */
  private async refreshDepth(): Promise<void> {
    const wait = 1000 - (Date.now() - this.depthAt);
    if (wait > 0) {
      this.depthTimer ??= setTimeout(() => {
        this.depthTimer = undefined;
        if (!this.stopped) this.refreshDepth().catch(() => {});
      }, wait);
      this.depthTimer.unref();
      return;
    }
    this.depthAt = Date.now();
    this.showDepth(await this.fed.outbox.depth(this.peer));
  }

  private showDepth(depth: number): void {
    this.events.metrics.add("starling_federation_queue_depth", depth - this.depthShown, { peer: this.peer });
    this.depthShown = depth;
  }
}

function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(":");
  return { host: endpoint.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(endpoint.slice(i + 1)) };
}

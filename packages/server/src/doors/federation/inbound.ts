import type tls from "node:tls";
import { ErrorCode, type federation, StarlingError } from "@starling/protocol";
import type { Federation } from "../../core/federation/federation.js";
import { TokenBucket } from "../../core/kernel/token-bucket.js";
import type { LinkEvents, RefusalReason } from "./link-events.js";
import { LinkSocket, type LinkSocketOptions } from "./link-socket.js";
import { peerTrusted } from "./peer-trust.js";

export interface InboundOptions extends LinkSocketOptions {
  /** A connection that has not sent its Hello by then is closed. */
  helloTimeoutMs: number;
  framesPerSecond: number;
  frameBurst: number;
}

/** Frames received but not yet applied, beyond which reading pauses. */
const MAX_QUEUED = 512;

const REASON_OF: Partial<Record<ErrorCode, RefusalReason>> = {
  [ErrorCode.FEDERATION_NOT_LINKED]: "not_linked",
  [ErrorCode.FEDERATION_LINK_SUSPENDED]: "suspended",
  [ErrorCode.FEDERATION_BAD_CERTIFICATE]: "bad_certificate",
  [ErrorCode.FEDERATION_DOMAIN_MISMATCH]: "domain_mismatch",
  [ErrorCode.FEDERATION_SEQ_GAP]: "seq_gap",
  [ErrorCode.FEDERATION_UNKNOWN_KIND]: "unknown_kind",
  [ErrorCode.FRAME_TOO_LARGE]: "too_large",
  [ErrorCode.BAD_FRAME]: "bad_frame",
  [ErrorCode.HELLO_REQUIRED]: "bad_frame",
  [ErrorCode.UNSUPPORTED_VERSION]: "bad_frame",
  [ErrorCode.INVALID_ARGUMENT]: "bad_frame",
};

/**
 * One connection a peer dialled to us, which carries its frames to us. The
 * peer proves who it is with its certificate, checked against the link of
 * the domain its Hello names (a domain with no active link, or a certificate
 * the link does not trust, is refused with the reason); we answer with our
 * Hello carrying the highest seq we applied, then apply its frames one at a
 * time through the inbox and acknowledge each after its commit.
 */
export class InboundLink {
  private readonly link: LinkSocket;
  private peer = "";
  private readonly queue: federation.Frame[] = [];
  private applying = false;
  private readonly bucket: TokenBucket;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    socket: tls.TLSSocket,
    private readonly fed: Federation,
    private readonly events: LinkEvents,
    opts: InboundOptions,
    registry: Set<InboundLink>,
  ) {
    this.bucket = new TokenBucket(opts.framesPerSecond, opts.frameBurst, Date.now());
    this.link = new LinkSocket(
      socket,
      opts,
      (env) => void this.onEnvelope(env),
      (closed) => {
        clearTimeout(this.helloTimer);
        registry.delete(this);
        if (closed.by === "us" && closed.code === ErrorCode.FRAME_TOO_LARGE)
          this.events.refused(this.peer || "unknown", "too_large", { reason: closed.reason });
        else if (closed.by === "us" && closed.code === ErrorCode.BAD_FRAME)
          this.events.refused(this.peer || "unknown", "bad_frame", { reason: closed.reason });
      },
    );
    registry.add(this);
    this.helloTimer = setTimeout(() => {
      this.events.refused("unknown", "handshake_timeout", { ip: socket.remoteAddress });
      this.link.close(ErrorCode.HELLO_REQUIRED, "no Hello in time");
    }, opts.helloTimeoutMs);
    this.helloTimer.unref();
  }

  /** The peer's domain once its Hello was accepted. */
  get peerDomain(): string {
    return this.peer;
  }

  close(code: ErrorCode, reason: string): void {
    this.link.close(code, reason);
  }

  private async onEnvelope(env: federation.FederationEnvelope): Promise<void> {
    if (!this.peer) {
      if (env.kind.case !== "hello")
        return this.refuse(new StarlingError(ErrorCode.HELLO_REQUIRED, "Hello first"), "unknown");
      clearTimeout(this.helloTimer);
      await this.hello(env.kind.value);
      return;
    }
    if (env.kind.case !== "frame") {
      this.refuse(
        new StarlingError(ErrorCode.BAD_FRAME, `unexpected ${env.kind.case ?? "envelope"}`),
        this.peer,
      );
      return;
    }
    if (!this.bucket.take(Date.now())) {
      // Throttled rather than refused: the peer's frames wait in TCP, nothing is lost.
      this.events.metrics.inc("starling_federation_refused_total", {
        peer: this.peer,
        reason: "rate_limited",
      });
      this.link.pauseFor(this.bucket.waitMs());
    }
    this.queue.push(env.kind.value);
    if (this.queue.length >= MAX_QUEUED) this.link.socket.pause();
    if (!this.applying) await this.drain();
  }

  private async hello(h: federation.Hello): Promise<void> {
    const claimed = h.fromDomain.toLowerCase().slice(0, 253);
    const ip = this.link.socket.remoteAddress;
    try {
      if (h.version !== 1)
        throw new StarlingError(ErrorCode.UNSUPPORTED_VERSION, "this server speaks federation version 1");
      if (h.toDomain.toLowerCase() !== this.fed.localDomain)
        throw new StarlingError(
          ErrorCode.FEDERATION_DOMAIN_MISMATCH,
          `this server is ${this.fed.localDomain}`,
        );
      const link = await this.fed.links.require(claimed);
      if (!peerTrusted(link, this.link.socket.getPeerCertificate().raw, Date.now()))
        throw new StarlingError(
          ErrorCode.FEDERATION_BAD_CERTIFICATE,
          `the certificate is not the one the link to ${claimed} trusts`,
        );
    } catch (err) {
      // A domain with no link is a stranger's choice of name: it goes in the log line, not the labels.
      const linked = !(err instanceof StarlingError) || err.code !== ErrorCode.FEDERATION_NOT_LINKED;
      const mismatch = err instanceof StarlingError && err.code === ErrorCode.FEDERATION_DOMAIN_MISMATCH;
      this.refuse(err, linked && !mismatch ? claimed : "unknown", { ip, claimed });
      return;
    }
    if (this.link.isClosed) return;
    this.peer = claimed;
    const mark = await this.fed.inbox.mark(claimed);
    this.link.send({
      kind: {
        case: "hello",
        value: { fromDomain: this.fed.localDomain, toDomain: claimed, appliedSeq: BigInt(mark), version: 1 },
      },
    });
    this.events.log.info({ peer: claimed, ip, appliedSeq: mark }, "federation peer connected");
  }

  private async drain(): Promise<void> {
    this.applying = true;
    try {
      for (let f = this.queue.shift(); f; f = this.queue.shift()) {
        if (this.link.isClosed) return;
        if (this.queue.length < MAX_QUEUED / 2) this.link.socket.resume();
        const seq = Number(f.seq);
        try {
          const outcome = await this.fed.inbox.apply(this.peer, { seq, kind: f.kind, payload: f.payload });
          this.events.metrics.inc("starling_federation_frames_received_total", { peer: this.peer, outcome });
          if (outcome === "duplicate")
            this.events.log.debug(
              { peer: this.peer, seq },
              "federation frame applied before; acknowledged again",
            );
          this.link.send({ kind: { case: "ack", value: { seq: BigInt(seq) } } });
        } catch (err) {
          this.refuse(err, this.peer, { seq, kind: f.kind.slice(0, 32) });
          return;
        }
      }
    } finally {
      this.applying = false;
    }
  }

  /** Closes with the error's code and reason; a store that cannot write is the peer's cue to retry. */
  private refuse(err: unknown, peer: string, fields: object = {}): void {
    if (err instanceof StarlingError) {
      const reason = REASON_OF[err.code];
      if (reason) this.events.refused(peer, reason, { ...fields, message: err.message });
      else
        this.events.log.warn(
          { peer, ...fields, code: err.codeName, message: err.message },
          "federation link closed",
        );
      this.link.close(err.code, err.message);
      return;
    }
    this.events.log.error(
      { peer, ...fields, err: err instanceof Error ? err.message : String(err) },
      "federation frame failed",
    );
    this.link.close(ErrorCode.INTERNAL, "internal error");
  }
}

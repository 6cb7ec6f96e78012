import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { create, encodeFrame, FrameDecoder, federation, fromBinary, toBinary } from "@starling/protocol";
import { ensureTls, type TlsFiles } from "../../src/adapters/tls/self-signed.js";

type Envelope = federation.FederationEnvelope;
export type EnvelopeInit = Parameters<typeof create<typeof federation.FederationEnvelopeSchema>>[1];

/** A fresh self-signed certificate for `domain`, in a folder of its own. */
export function certificateFor(domain: string): Promise<TlsFiles> {
  return ensureTls(join(mkdtempSync(join(tmpdir(), "starling-cert-")), "tls"), "", "", domain);
}

/**
 * A federation peer written by hand: TLS with the certificate it is given
 * (or none), envelopes sent as they are, so a test can send what a real
 * server never would (a forged Hello, a replayed seq, an oversized frame).
 */
export class RawFederationPeer {
  private readonly received: Envelope[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  closed = false;

  private constructor(readonly socket: tls.TLSSocket) {
    socket.on("data", (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) {
        this.received.push(fromBinary(federation.FederationEnvelopeSchema, f));
        this.notify();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.notify();
    });
  }

  static connect(port: number, cert?: TlsFiles): Promise<RawFederationPeer> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: "127.0.0.1",
        port,
        rejectUnauthorized: false,
        ...(cert ? { key: cert.key, cert: cert.cert } : {}),
      });
      socket.once("secureConnect", () => resolve(new RawFederationPeer(socket)));
      socket.once("error", reject);
    });
  }

  send(init: EnvelopeInit): void {
    this.socket.write(
      encodeFrame(
        toBinary(federation.FederationEnvelopeSchema, create(federation.FederationEnvelopeSchema, init)),
      ),
    );
  }

  hello(from: string, to: string): void {
    this.send({
      kind: { case: "hello", value: { fromDomain: from, toDomain: to, appliedSeq: 0n, version: 1 } },
    });
  }

  frame(seq: number, kind: string, payload: Uint8Array): void {
    this.send({ kind: { case: "frame", value: { seq: BigInt(seq), kind, payload } } });
  }

  /** The next envelope other than a heartbeat; undefined once the connection closed without one. */
  async next(): Promise<Envelope | undefined> {
    for (;;) {
      const env = this.received.shift();
      if (env && env.kind.case !== "heartbeat") return env;
      if (env) continue;
      if (this.closed) return undefined;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Reads until the peer's Close (or the end of the connection); its code and reason. */
  async closeReason(): Promise<{ code: number; reason: string } | undefined> {
    for (;;) {
      const env = await this.next();
      if (!env) return undefined;
      if (env.kind.case === "close") return { code: env.kind.value.code, reason: env.kind.value.reason };
    }
  }

  /** Resolves once the server ended the connection. */
  async ended(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  end(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

import { randomUUID } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import type { Logger } from "../../../core/kernel/ports.js";
import {
  child,
  childElements,
  NS,
  openTag,
  serialize,
  stanzaError,
  textOf,
  type XElement,
} from "../stanza.js";
import { type ParsedElement, XmlStreamParser } from "../xml-stream.js";
import type { DialbackKeys } from "./dialback-key.js";
import type { S2sTarget } from "./s2s-routes.js";

/** Namespaces of server-to-server streams (RFC 6120 section 4.8.3, XEP-0220, XEP-0288). */
export const S2S_NS = {
  server: "jabber:server",
  dialback: "jabber:server:dialback",
  dialbackFeature: "urn:xmpp:features:dialback",
  bidi: "urn:xmpp:bidi",
  bidiFeature: "urn:xmpp:features:bidi",
} as const;

export interface S2sStreamOptions {
  /** Our domain: the originating server (the user's domain). */
  from: string;
  /** The remote domain: the receiving server. */
  to: string;
  /** Where to connect, in order (s2s-routes.ts). */
  targets: S2sTarget[];
  keys: DialbackKeys;
  /** Our domain's certificate and key, for SASL EXTERNAL (XEP-0178) where the peer trusts it. */
  identity: { key: string; cert: string } | undefined;
  /** Trusted CAs for the peer's certificate (PEM); the system's when undefined. */
  ca: string | undefined;
  connectTimeoutMs: number;
  iqTimeoutMs: number;
  /** A stream with nothing in flight for this long is closed. */
  idleTimeoutMs: number;
  /** IQs waiting for the stream to come up, or for their answer, at most. */
  maxPending: number;
  /** The largest stanza read from the peer, in characters. */
  maxStanzaChars: number;
  log: Logger;
}

/** How an IQ went: the peer's answer, or why there is none. */
export type IqAnswer =
  | { type: "result" }
  | { type: "error"; errorType: string; condition: string }
  /** Nothing came back in time, or the stream was lost: try again later. */
  | { type: "lost"; detail: string }
  /** The peer refused us (no TLS, a certificate we do not trust, dialback refused). */
  | { type: "refused"; detail: string };

interface Waiting {
  iq: XElement;
  done(a: IqAnswer): void;
  timer?: NodeJS.Timeout;
}

/**
 * One outbound server-to-server stream (RFC 6120) from our domain to a remote domain: TCP,
 * STARTTLS with the peer's certificate verified for the remote domain (section 5, RFC 7590),
 * then SASL EXTERNAL with our certificate where the peer offers it (XEP-0178), else Server
 * Dialback (XEP-0220), to prove our domain. When the peer offers XEP-0288 the
 * stream is made bidirectional, so IQ answers come back on it; without it the answers would
 * travel a stream the peer opens to us, which this server does not accept, so an IQ counts as
 * answered once written to the authenticated stream.
 */
export class S2sStream {
  private socket: net.Socket | tls.TLSSocket | undefined;
  private parser: XmlStreamParser;
  private state: "connecting" | "ready" | "closed" = "connecting";
  private bidi = false;
  /** SASL EXTERNAL succeeded (the stream restarted after it). */
  private authenticated = false;
  private streamId = "";
  private readonly queued: Waiting[] = [];
  private readonly inFlight = new Map<string, Waiting>();
  private idle: NodeJS.Timeout | undefined;
  private closeListeners: (() => void)[] = [];

  constructor(private readonly o: S2sStreamOptions) {
    this.parser = this.newParser();
    void this.connect();
  }

  get closed(): boolean {
    return this.state === "closed";
  }

  /** Called once when the stream ends, whatever the reason. */
  onClose(f: () => void): void {
    this.closeListeners.push(f);
  }

  /** Sends an IQ (without id or from: they are set here) and resolves with its answer. */
  iq(iq: XElement): Promise<IqAnswer> {
    if (this.state === "closed") return Promise.resolve({ type: "lost", detail: "stream closed" });
    if (this.queued.length + this.inFlight.size >= this.o.maxPending)
      return Promise.resolve({ type: "lost", detail: "too many pending stanzas" });
    return new Promise((resolve) => {
      const w: Waiting = { iq, done: resolve };
      if (this.state === "ready") this.write(w);
      else this.queued.push(w);
    });
  }

  close(): void {
    this.fail({ type: "lost", detail: "stream closed" });
  }

  private newParser(): XmlStreamParser {
    return new XmlStreamParser(
      {
        streamOpen: (h) => this.opened(h),
        element: (e) => this.element(e),
        streamClose: () => this.fail({ type: "lost", detail: "the peer closed the stream" }),
      },
      false,
      this.o.maxStanzaChars,
    );
  }

  private async connect(): Promise<void> {
    let last = "no address";
    for (const t of this.o.targets) {
      if (this.state === "closed") return;
      try {
        this.socket = await connectTcp(t, this.o.connectTimeoutMs);
        break;
      } catch (err) {
        last = `${t.host}:${t.port}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const s = this.socket;
    if (!s) {
      this.fail({ type: "lost", detail: `cannot connect to ${this.o.to} (${last})` });
      return;
    }
    // The whole negotiation, not only the TCP connect, has the connect deadline.
    const deadline = setTimeout(
      () => this.fail({ type: "lost", detail: "stream negotiation timed out" }),
      this.o.connectTimeoutMs,
    );
    this.onClose(() => clearTimeout(deadline));
    this.readFrom(s);
    this.sendHeader();
    this.ready = () => clearTimeout(deadline);
  }

  /** Set while negotiating: stops the negotiation deadline. */
  private ready: () => void = () => {};

  private readFrom(s: net.Socket | tls.TLSSocket): void {
    s.on("data", (chunk: Buffer) => {
      if (this.socket !== s) return;
      try {
        this.parser.write(chunk);
      } catch (err) {
        this.fail({ type: "lost", detail: `bad XML from ${this.o.to}: ${(err as Error).message}` });
      }
    });
    s.on("error", () => {}); // "close" follows
    s.on("close", () => {
      if (this.socket === s) this.fail({ type: "lost", detail: "connection lost" });
    });
  }

  private sendHeader(): void {
    this.raw(
      `<?xml version='1.0'?>${openTag("stream:stream", {
        xmlns: S2S_NS.server,
        "xmlns:stream": NS.stream,
        "xmlns:db": S2S_NS.dialback,
        from: this.o.from,
        to: this.o.to,
        version: "1.0",
      })}`,
    );
  }

  private opened(h: ParsedElement): void {
    if (h.name !== "stream" || h.ns !== NS.stream || h.declared[""] !== S2S_NS.server)
      this.fail({ type: "refused", detail: "the peer's stream header is not a server stream" });
    else this.streamId = h.attrs.id ?? "";
  }

  private element(e: ParsedElement): void {
    if (e.name === "error" && e.ns === NS.stream) {
      const condition = childElements(e)[0]?.name ?? "undefined-condition";
      const refused = this.state === "connecting";
      this.fail({ type: refused ? "refused" : "lost", detail: `stream error: ${condition}` });
    } else if (this.state === "connecting") {
      const problem = this.negotiate(e);
      if (problem) this.fail({ type: "refused", detail: problem });
    } else if (e.name === "iq") this.answered(e);
    // Nothing else is expected from an app server; anything else is ignored (RFC 6120 section 8.4).
  }

  /** One step of STARTTLS and dialback; a problem that ends the stream is returned as a sentence. */
  private negotiate(e: ParsedElement): string | undefined {
    const secure = this.socket instanceof tls.TLSSocket;
    if (e.name === "features" && e.ns === NS.stream && !secure) {
      // RFC 6120 section 5.3.1: TLS is required here, so no STARTTLS is no stream.
      if (!child(e, "starttls", NS.tls)) return `${this.o.to} offers no STARTTLS`;
      this.raw(`<starttls xmlns='${NS.tls}'/>`);
    } else if (e.name === "features" && e.ns === NS.stream) {
      this.bidi = child(e, "bidi", S2S_NS.bidiFeature) !== undefined;
      if (this.bidi) this.raw(`<bidi xmlns='${S2S_NS.bidi}'/>`);
      if (this.authenticated) this.up();
      else if (this.o.identity && offersExternal(e))
        // XEP-0178 section 2: our certificate is the credential; the authorization identity is our domain.
        this.raw(
          `<auth xmlns='${NS.sasl}' mechanism='EXTERNAL'>${Buffer.from(this.o.from).toString("base64")}</auth>`,
        );
      else this.dialback();
    } else if (e.name === "success" && e.ns === NS.sasl) {
      // RFC 6120 section 6.4.6: the stream restarts, and its features follow.
      this.authenticated = true;
      this.parser = this.newParser();
      this.sendHeader();
    } else if (e.name === "failure" && e.ns === NS.sasl) {
      // XEP-0178 section 3: the certificate was not good enough; dialback may still be.
      this.dialback();
    } else if (e.name === "proceed" && e.ns === NS.tls && !secure) this.startTls();
    else if (e.name === "failure" && e.ns === NS.tls) return "the peer refused STARTTLS";
    else if (e.name === "result" && e.ns === S2S_NS.dialback) {
      if (e.attrs.type !== "valid") return `${this.o.to} refused our dialback key`;
      this.up();
    }
    return undefined;
  }

  /** XEP-0220 section 2.1.1: the key is bound to the stream id the receiving server gave. */
  private dialback(): void {
    const key = this.o.keys.key(this.o.to, this.o.from, this.streamId);
    this.raw(`${openTag("db:result", { from: this.o.from, to: this.o.to })}${key}</db:result>`);
  }

  /** Authenticated: what waited is sent. */
  private up(): void {
    this.state = "ready";
    this.ready();
    for (const w of this.queued.splice(0)) this.write(w);
    this.armIdle();
  }

  private startTls(): void {
    const plain = this.socket as net.Socket;
    plain.removeAllListeners("data");
    const secured = tls.connect({
      socket: plain,
      servername: this.o.to,
      ...(this.o.ca ? { ca: this.o.ca } : {}),
      // Our certificate, offered for SASL EXTERNAL; a peer that does not ask for it ignores it.
      ...(this.o.identity ? { key: this.o.identity.key, cert: this.o.identity.cert } : {}),
      minVersion: "TLSv1.2",
    });
    this.socket = secured;
    this.parser = this.newParser();
    this.readFrom(secured);
    secured.once("secureConnect", () => {
      // The certificate is checked for the remote domain (RFC 6125 / RFC 7590) by node:tls.
      if (this.socket === secured) this.sendHeader();
    });
    secured.once("error", (err) =>
      this.fail({ type: "refused", detail: `TLS with ${this.o.to}: ${err.message}` }),
    );
  }

  private write(w: Waiting): void {
    const id = randomUUID();
    const iq = { ...w.iq, attrs: { ...w.iq.attrs, id } };
    this.raw(serialize(iq));
    this.armIdle();
    if (!this.bidi) {
      w.done({ type: "result" });
      return;
    }
    w.timer = setTimeout(() => {
      this.inFlight.delete(id);
      w.done({ type: "lost", detail: "no answer in time" });
      this.armIdle();
    }, this.o.iqTimeoutMs);
    this.inFlight.set(id, w);
  }

  private answered(e: ParsedElement): void {
    if (e.attrs.type === "get" || e.attrs.type === "set") {
      // RFC 6120 section 8.2.3: a request is answered; this stream serves nothing.
      const err = stanzaError(e, {
        type: "cancel",
        condition: "service-unavailable",
        from: e.attrs.to ?? this.o.from,
        to: e.attrs.from ?? this.o.to,
      });
      // On a server stream, not jabber:client (RFC 6120 section 4.8.3).
      this.raw(serialize({ ...err, attrs: { ...err.attrs, xmlns: S2S_NS.server } }));
      return;
    }
    const w = this.inFlight.get(e.attrs.id ?? "");
    if (!w || (e.attrs.type !== "result" && e.attrs.type !== "error")) return;
    this.inFlight.delete(e.attrs.id ?? "");
    clearTimeout(w.timer);
    this.armIdle();
    if (e.attrs.type === "result") {
      w.done({ type: "result" });
      return;
    }
    // RFC 6120 section 8.3.2: the error's type and its defined condition.
    const err = childElements(e).find((c) => c.name === "error");
    const condition = err && childElements(err).find((c) => c.ns === NS.stanzas)?.name;
    w.done({
      type: "error",
      errorType: err?.attrs.type ?? "cancel",
      condition: condition ?? "undefined-condition",
    });
  }

  private armIdle(): void {
    clearTimeout(this.idle);
    if (this.state !== "ready" || this.inFlight.size > 0) return;
    this.idle = setTimeout(() => {
      this.raw("</stream:stream>");
      this.fail({ type: "lost", detail: "idle" });
    }, this.o.idleTimeoutMs);
    this.idle.unref();
  }

  private raw(text: string): void {
    this.socket?.write(text);
  }

  private fail(answer: Extract<IqAnswer, { detail: string }>): void {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this.idle);
    for (const w of this.queued.splice(0)) w.done(answer);
    for (const w of this.inFlight.values()) {
      clearTimeout(w.timer);
      w.done(answer.type === "refused" ? { type: "lost", detail: answer.detail } : answer);
    }
    this.inFlight.clear();
    // A refusal (no TLS, an untrusted certificate, our key refused) needs an operator; a loss does not.
    if (answer.type === "refused")
      this.o.log.warn({ to: this.o.to, reason: answer.detail }, "s2s stream ended");
    else if (answer.detail !== "idle")
      this.o.log.info({ to: this.o.to, reason: answer.detail }, "s2s stream ended");
    this.socket?.end();
    this.socket?.destroy();
    for (const f of this.closeListeners.splice(0)) f();
  }
}

function connectTcp(t: S2sTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: t.host, port: t.port });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error("connect timed out"));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(timer);
      s.removeAllListeners("error");
      resolve(s);
    });
    s.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Whether stream features offer SASL EXTERNAL (RFC 6120 section 6.3.3). */
function offersExternal(features: XElement): boolean {
  const mechanisms = child(features, "mechanisms", NS.sasl);
  return (mechanisms ? childElements(mechanisms) : []).some(
    (m) => m.name === "mechanism" && textOf(m).trim() === "EXTERNAL",
  );
}

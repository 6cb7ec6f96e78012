import type { Logger } from "../../../core/kernel/ports.js";
import { parseJid } from "../jid.js";
import { el, NS, type XElement } from "../stanza.js";
import { DialbackKeys } from "./dialback-key.js";
import { DialbackVerifier } from "./dialback-verifier.js";
import { resolveS2s, type S2sTarget } from "./s2s-routes.js";
import { type IqAnswer, S2sStream } from "./s2s-stream.js";

const PUBSUB = "http://jabber.org/protocol/pubsub";
const PUSH = "urn:xmpp:push:0";
/** The largest stanza an app server may send us (its answers are a few hundred bytes). */
const MAX_STANZA_CHARS = 64 * 1024;
/** Servers asking us to verify a dialback key at once; they hold a connection for a moment each. */
const MAX_VERIFY_CONNECTIONS = 64;

export interface PushPublisherOptions {
  /** Where the dialback verifier listens (push.xmpp.s2sPort). */
  host: string;
  port: number;
  routes: Map<string, S2sTarget>;
  ca: string | undefined;
  /** Our certificate and key, for SASL EXTERNAL where an app server trusts it. */
  identity?: { key: string; cert: string };
  connectTimeoutMs: number;
  iqTimeoutMs: number;
  idleTimeoutMs: number;
  maxPending: number;
  log: Logger;
}

/** One XEP-0357 notification to publish. */
export interface PushPublish {
  /** The user's bare JID, which the publish comes from (XEP-0357 section 7). */
  from: string;
  /** The app server's JID and the node the client enabled. */
  appServer: string;
  node: string;
  /** The urn:xmpp:push:summary fields, in order. */
  summary: Record<string, string>;
  /** The publish-options the client gave at enable (its secret), as given. */
  options: Record<string, string>;
}

/**
 * Publishes push notifications to XEP-0357 app servers over server-to-server streams, one per
 * (our domain, app server domain), reused until idle, and answers the dialback checks those
 * servers make back to us.
 */
export class PushPublisher {
  private readonly keys = new DialbackKeys();
  private readonly streams = new Map<string, S2sStream>();
  private readonly verifier: DialbackVerifier;
  private closing = false;

  constructor(private readonly o: PushPublisherOptions) {
    this.verifier = new DialbackVerifier({
      host: o.host,
      port: o.port,
      keys: this.keys,
      timeoutMs: o.connectTimeoutMs,
      maxConnections: MAX_VERIFY_CONNECTIONS,
      maxStanzaChars: MAX_STANZA_CHARS,
      log: o.log,
    });
  }

  /** Starts the dialback verifier; resolves with its port. */
  start(): Promise<number> {
    return this.verifier.start();
  }

  async publish(p: PushPublish): Promise<IqAnswer> {
    const to = parseJid(p.appServer);
    const from = parseJid(p.from);
    if (!to || !from || this.closing) return { type: "refused", detail: "no stream for this address" };
    const stream = await this.streamTo(from.domain, to.domain);
    if (!stream) return { type: "lost", detail: `${to.domain} has no XMPP server` };
    return stream.iq(publishIq(p));
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.streams.values()) s.close();
    await this.verifier.close();
  }

  private async streamTo(from: string, to: string): Promise<S2sStream | undefined> {
    const key = `${from} ${to}`;
    const open = this.streams.get(key);
    if (open && !open.closed) return open;
    const targets = await resolveS2s(to, this.o.routes);
    if (targets.length === 0) return undefined;
    // Another publish may have opened it while DNS answered.
    const again = this.streams.get(key);
    if (again && !again.closed) return again;
    const stream = new S2sStream({
      from,
      to,
      targets,
      keys: this.keys,
      identity: this.o.identity,
      ca: this.o.ca,
      connectTimeoutMs: this.o.connectTimeoutMs,
      iqTimeoutMs: this.o.iqTimeoutMs,
      idleTimeoutMs: this.o.idleTimeoutMs,
      maxPending: this.o.maxPending,
      maxStanzaChars: MAX_STANZA_CHARS,
      log: this.o.log,
    });
    this.streams.set(key, stream);
    stream.onClose(() => {
      if (this.streams.get(key) === stream) this.streams.delete(key);
    });
    return stream;
  }
}

/** A submitted data form (XEP-0004) with its FORM_TYPE first (XEP-0068). */
function form(formType: string, fields: Record<string, string>): XElement {
  return el(
    "x",
    { xmlns: NS.dataForms, type: "submit" },
    el("field", { var: "FORM_TYPE", type: "hidden" }, el("value", {}, formType)),
    ...Object.entries(fields)
      .filter(([k]) => k !== "FORM_TYPE")
      .map(([k, v]) => el("field", { var: k }, el("value", {}, v))),
  );
}

/** XEP-0357 section 7 (example 11): a publish to the node, with the client's publish-options. */
function publishIq(p: PushPublish): XElement {
  return el(
    "iq",
    { type: "set", from: p.from, to: p.appServer },
    el(
      "pubsub",
      { xmlns: PUBSUB },
      el(
        "publish",
        { node: p.node },
        el("item", {}, el("notification", { xmlns: PUSH }, form("urn:xmpp:push:summary", p.summary))),
      ),
      Object.keys(p.options).length > 0 &&
        el("publish-options", {}, form(`${PUBSUB}#publish-options`, p.options)),
    ),
  );
}

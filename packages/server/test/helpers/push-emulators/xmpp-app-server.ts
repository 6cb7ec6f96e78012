import { randomUUID, X509Certificate } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import { generate } from "selfsigned";
import { PushPublisher } from "../../../src/doors/xmpp/s2s/push-publisher.js";
import {
  child,
  childElements,
  NS,
  openTag,
  serialize,
  textOf,
  type XElement,
} from "../../../src/doors/xmpp/stanza.js";
import { type ParsedElement, XmlStreamParser } from "../../../src/doors/xmpp/xml-stream.js";
import type { ProviderEmulator, ReceivedPush } from "../../contracts/push-provider.js";

const SERVER = "jabber:server";
const DIALBACK = "jabber:server:dialback";
const PUBSUB = "http://jabber.org/protocol/pubsub";
const PUSH = "urn:xmpp:push:0";

export interface AppServerOptions {
  /** Offer SASL EXTERNAL (XEP-0178) to senders whose certificate this CA signed for their domain. */
  externalCa?: string;
  /** Offer XEP-0288 bidi (default true); without it answers are not sent back on the stream. */
  bidi?: boolean;
}

/** One publish as the app server received it. */
export interface ReceivedPublish {
  from: string;
  node: string;
  /** The urn:xmpp:push:summary fields. */
  summary: Record<string, string>;
  /** The publish-options fields. */
  options: Record<string, string>;
}

/** A self-signed certificate for the app server's domain, which the server under test is given as its CA. */
export async function appServerCertificate(domain: string): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: domain }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: domain }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Data form fields (XEP-0004) by var, first value each. */
function fieldsOf(x: XElement | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of x ? childElements(x) : []) {
    if (f.name !== "field" || !f.attrs.var) continue;
    const v = childElements(f).find((c) => c.name === "value");
    out[f.attrs.var] = v ? textOf(v) : "";
  }
  return out;
}

/**
 * An XEP-0357 app server's XMPP server on 127.0.0.1, as Prosody or ejabberd in front of
 * Conversations' or Monal's app server would be: it accepts a server-to-server stream for
 * its domain, requires STARTTLS with its own certificate, authenticates the sending domain
 * by Server Dialback (XEP-0220: it connects back to the address `routeBack` gives for that
 * domain and asks <db:verify>), offers XEP-0288 bidi, and answers pubsub publishes to the
 * push nodes it knows, checking each node's secret in the publish-options.
 */
export class XmppAppServer implements ProviderEmulator {
  readonly received: ReceivedPush[] = [];
  readonly publishes: ReceivedPublish[] = [];
  readonly domain: string;
  readonly validNode = "node-5f1e";
  readonly deadNode = "node-gone";
  readonly secret = "s3cr3t-7";
  authFailures = 0;
  /** Server-to-server connections accepted so far. */
  connections = 0;
  private rateLimit = false;
  private failing = false;
  private readonly routes = new Map<string, number>();
  private readonly sockets = new Set<net.Socket>();

  /** What came back for the requests `probeNext` sent the sender. */
  readonly probeAnswers: string[] = [];
  private probing = false;

  /** With the next publish, sends the sender a ping of its own (as an app server may). */
  probeNext(): void {
    this.probing = true;
  }

  /** How each authenticated stream was authenticated, in order. */
  readonly authenticatedBy: ("dialback" | "external")[] = [];

  private constructor(
    private readonly server: net.Server,
    private readonly tlsContext: tls.SecureContext,
    domain: string,
    private readonly options: AppServerOptions,
  ) {
    this.domain = domain;
    server.on("connection", (s) => this.accept(s));
  }

  static async start(
    domain: string,
    pems: { key: string; cert: string },
    options: AppServerOptions = {},
  ): Promise<XmppAppServer> {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const ctx = tls.createSecureContext({
      ...pems,
      ...(options.externalCa ? { ca: options.externalCa } : {}),
    });
    return new XmppAppServer(server, ctx, domain, options);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Where the authoritative server of `domain` answers dialback checks (its _xmpp-server._tcp, in DNS). */
  routeBack(domain: string, port: number): void {
    this.routes.set(domain, port);
  }

  tokenFor(node: string, secret = this.secret): string {
    return JSON.stringify({
      jid: this.domain,
      node,
      options: { FORM_TYPE: `${PUBSUB}#publish-options`, secret },
    });
  }

  get validToken(): string {
    return this.tokenFor(this.validNode);
  }

  get deadToken(): string {
    return this.tokenFor(this.deadNode);
  }

  rateLimitNext(): void {
    this.rateLimit = true;
  }

  /** The next publish is never answered: the connection is dropped, as a crashing server would. */
  failNext(): void {
    this.failing = true;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Connections open now. */
  get open(): number {
    return this.sockets.size;
  }

  private accept(raw: net.Socket): void {
    this.connections++;
    this.sockets.add(raw);
    raw.on("close", () => this.sockets.delete(raw));
    raw.on("error", () => {});
    let socket: net.Socket = raw;
    let secure = false;
    let authenticated = "";
    let bidi = false;
    let streamId = "";
    let peerDomain = "";
    const offersBidi = this.options.bidi ?? true;
    const send = (text: string) => socket.write(text);
    /** Whether the sender's TLS certificate is one the EXTERNAL CA signed for `domain`. */
    const certifies = (domain: string) => {
      const ca = this.options.externalCa;
      const peer = socket instanceof tls.TLSSocket ? socket.getPeerX509Certificate() : undefined;
      if (!ca || !peer) return false;
      // A TLSSocket made by hand does not say `authorized`, so the chain is checked here.
      const issuer = new X509Certificate(ca);
      return peer.checkIssued(issuer) && peer.verify(issuer.publicKey) && peer.checkHost(domain) === domain;
    };
    const open = (from: string) => {
      streamId = randomUUID();
      peerDomain = from;
      const features = !secure
        ? `<starttls xmlns='${NS.tls}'><required/></starttls>`
        : `${offersBidi ? "<bidi xmlns='urn:xmpp:features:bidi'/>" : ""}${
            authenticated
              ? ""
              : `<dialback xmlns='urn:xmpp:features:dialback'/>${
                  certifies(from)
                    ? `<mechanisms xmlns='${NS.sasl}'><mechanism>EXTERNAL</mechanism></mechanisms>`
                    : ""
                }`
          }`;
      send(
        `<?xml version='1.0'?>${openTag("stream:stream", { xmlns: SERVER, "xmlns:stream": NS.stream, "xmlns:db": DIALBACK, from: this.domain, to: from, id: streamId, version: "1.0" })}<stream:features>${features}</stream:features>`,
      );
    };
    const refuse = (condition: string) => {
      send(`<stream:error><${condition} xmlns='${NS.streams}'/></stream:error></stream:stream>`);
      socket.end();
    };
    const onElement = (e: ParsedElement) => {
      if (!secure) {
        if (e.name !== "starttls") return refuse("policy-violation");
        send(`<proceed xmlns='${NS.tls}'/>`);
        raw.removeAllListeners("data");
        socket = new tls.TLSSocket(raw, {
          isServer: true,
          secureContext: this.tlsContext,
          requestCert: this.options.externalCa !== undefined,
          rejectUnauthorized: false,
        });
        socket.on("error", () => {});
        secure = true;
        read(socket);
        return;
      }
      if (e.name === "bidi" && e.ns === "urn:xmpp:bidi" && offersBidi) bidi = true;
      else if (e.name === "auth" && e.ns === NS.sasl) {
        const authzid = Buffer.from(textOf(e), "base64").toString();
        if (e.attrs.mechanism !== "EXTERNAL" || authzid !== peerDomain || !certifies(peerDomain)) {
          this.authFailures++;
          send(`<failure xmlns='${NS.sasl}'><not-authorized/></failure>`);
          return;
        }
        send(`<success xmlns='${NS.sasl}'/>`);
        authenticated = peerDomain;
        this.authenticatedBy.push("external");
        // RFC 6120 section 6.4.6: the stream restarts on the same TLS connection.
        parse = parser();
      } else if (e.name === "result" && e.ns === DIALBACK) {
        const from = e.attrs.from ?? "";
        this.verifyBack(from, streamId, textOf(e)).then((valid) => {
          if (valid) {
            authenticated = from;
            this.authenticatedBy.push("dialback");
          } else this.authFailures++;
          send(
            openTag("db:result", { from: this.domain, to: from, type: valid ? "valid" : "invalid" }, true),
          );
        });
      } else if (e.name === "iq" && e.attrs.id?.startsWith("probe-")) {
        this.probeAnswers.push(serialize(e));
      } else if (e.name === "iq") {
        const from = e.attrs.from ?? "";
        if (this.probing) {
          this.probing = false;
          send(
            `<iq type='get' id='probe-1' from='${this.domain}' to='${from}'><ping xmlns='urn:xmpp:ping'/></iq>`,
          );
        }
        if (!authenticated || from.split("@").pop() !== authenticated) return refuse("not-authorized");
        const answer = this.publish(e);
        if (answer === "drop") socket.destroy();
        else if (bidi)
          send(
            serialize({
              name: "iq",
              ns: "",
              attrs: { type: answer ? "error" : "result", id: e.attrs.id ?? "", from: this.domain, to: from },
              children: answer ? [answer] : [],
            }),
          );
      }
    };
    const parser = () =>
      new XmlStreamParser({
        streamOpen: (h) => open(h.attrs.from ?? ""),
        element: onElement,
        streamClose: () => socket.end("</stream:stream>"),
      });
    let parse = parser();
    const read = (s: net.Socket) => {
      parse = parser();
      s.on("data", (chunk: Buffer) => {
        try {
          parse.write(chunk);
        } catch {
          refuse("not-well-formed");
        }
      });
    };
    read(raw);
  }

  /** XEP-0220 section 2.2: asks the originating domain's authoritative server about the key. */
  private verifyBack(domain: string, streamId: string, key: string): Promise<boolean> {
    const port = this.routes.get(domain);
    if (port === undefined) return Promise.resolve(false);
    return new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.on("error", () => resolve(false));
      s.on("close", () => resolve(false));
      const parser = new XmlStreamParser({
        streamOpen: () => {
          s.write(
            openTag("db:verify", { from: this.domain, to: domain, id: streamId }) + `${key}</db:verify>`,
          );
        },
        element: (e) => {
          if (e.name !== "verify" || e.ns !== DIALBACK) return;
          resolve(e.attrs.type === "valid" && e.attrs.id === streamId && e.attrs.from === domain);
          s.end("</stream:stream>");
        },
        streamClose: () => s.end(),
      });
      s.on("data", (chunk: Buffer) => {
        try {
          parser.write(chunk);
        } catch {
          s.destroy();
        }
      });
      s.write(
        `<?xml version='1.0'?>${openTag("stream:stream", { xmlns: SERVER, "xmlns:stream": NS.stream, "xmlns:db": DIALBACK, from: this.domain, to: domain, version: "1.0" })}`,
      );
    });
  }

  /** Records a publish and says the error to answer (undefined: a result; "drop": no answer). */
  private publish(iq: XElement): XElement | "drop" | undefined {
    const error = (type: string, condition: string): XElement => ({
      name: "error",
      ns: "",
      attrs: { type },
      children: [{ name: condition, ns: NS.stanzas, attrs: { xmlns: NS.stanzas }, children: [] }],
    });
    const pubsub = child(iq, "pubsub", PUBSUB);
    const publish = pubsub && child(pubsub, "publish", PUBSUB);
    const item = publish && child(publish, "item", PUBSUB);
    const notification = item && child(item, "notification", PUSH);
    const summary = fieldsOf(notification && child(notification, "x", NS.dataForms));
    const optionsEl = pubsub && child(pubsub, "publish-options", PUBSUB);
    const options = fieldsOf(optionsEl && child(optionsEl, "x", NS.dataForms));
    if (!publish || iq.attrs.type !== "set" || summary.FORM_TYPE !== "urn:xmpp:push:summary")
      return error("modify", "bad-request");
    if (this.failing) {
      this.failing = false;
      return "drop";
    }
    if (this.rateLimit) {
      this.rateLimit = false;
      return error("wait", "resource-constraint");
    }
    const node = publish.attrs.node ?? "";
    if (node !== this.validNode) return error("cancel", "item-not-found");
    if (options.secret !== this.secret) {
      this.authFailures++;
      return error("auth", "forbidden");
    }
    this.publishes.push({ from: iq.attrs.from ?? "", node, summary, options });
    const payload = JSON.parse(summary["x-starling-payload"] ?? "{}") as Record<string, unknown>;
    const quiet = summary["last-message-body"] === undefined;
    this.received.push({
      token: this.tokenFor(node, options.secret),
      title: quiet ? "" : String(payload.title ?? ""),
      body: summary["last-message-body"] ?? "",
      collapseKey: String(payload.conversationId ?? ""),
      quiet,
      conversationId: String(payload.conversationId ?? ""),
    });
    return undefined;
  }
}

/** A publisher routed to `app` that trusts `ca`, its dialback verifier on a port of its own. */
export function publisherTowards(
  app: XmppAppServer,
  ca: string,
  {
    idleTimeoutMs = 60_000,
    identity,
  }: { idleTimeoutMs?: number; identity?: { key: string; cert: string } } = {},
): PushPublisher {
  return new PushPublisher({
    ...(identity ? { identity } : {}),
    host: "127.0.0.1",
    port: 0,
    routes: new Map([[app.domain, { host: "127.0.0.1", port: app.port }]]),
    ca,
    connectTimeoutMs: 10_000,
    iqTimeoutMs: 10_000,
    idleTimeoutMs,
    maxPending: 100,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

import { randomBytes } from "node:crypto";
import type { Push } from "@starling/protocol";
import type { Core } from "../core/core.js";
import type { Clock, Logger } from "../core/ports.js";
import { TokenBucket } from "../core/token-bucket.js";
import { isValidResource, parseJid } from "./jid.js";
import { StanzaRouter } from "./router.js";
import { SaslNegotiator, type SaslStep } from "./sasl.js";
import { child, el, NS, streamError, textOf, type XElement } from "./stanza.js";
import type { ParsedElement, XmlFaultError } from "./xml-stream.js";
import type { XmppConfig } from "./xmpp-config.js";
import type { XmppTransport } from "./xmpp-transport.js";

/** What the sessions share: the core and the node's table of sessions. */
export interface XmppHost {
  core: Core;
  clock: Clock;
  log: Logger;
  config: XmppConfig;
  fakeSaltKey: Uint8Array;
  hostsDomain(domain: string): Promise<boolean>;
  register(session: XmppSession): void;
  unregister(session: XmppSession): void;
  resourceTaken(userId: string, resource: string): boolean;
}

type Phase = "header" | "tls" | "sasl" | "bind" | "ready" | "closed";

/** SASL attempts per stream before it is closed (RFC 6120 section 6.4.5 asks for 2 to 5 retries). */
const MAX_SASL_ATTEMPTS = 3;
/** Elements waiting for an earlier one's asynchronous handling (login, domain check). */
const MAX_PENDING = 64;

/**
 * One XMPP connection (RFC 6120): stream headers and features, STARTTLS,
 * SASL, resource binding, then stanzas through the router. Elements are
 * handled one after another in arrival order; anything malformed ends this
 * stream only, with the stream error that says why.
 */
export class XmppSession {
  readonly id = randomBytes(9).toString("base64url");
  userId = "";
  resource = "";
  domain = "";
  private phase: Phase = "header";
  private authenticated = false;
  private headerSent = false;
  private tokenHash: string | undefined;
  private sasl: SaslNegotiator | undefined;
  private saslAttempts = 0;
  private router: StanzaRouter | undefined;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly bucket: TokenBucket;
  /** Refusals allowed before a flood ends the stream; refills at a quarter of the stanza rate. */
  private readonly refusals: TokenBucket;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly transport: XmppTransport,
    private readonly host: XmppHost,
  ) {
    const { config } = host;
    this.bucket = new TokenBucket(config.stanzasPerSecond, config.stanzaBurst, host.clock.now());
    this.refusals = new TokenBucket(config.stanzasPerSecond / 4, config.stanzaBurst, host.clock.now());
    this.timer = setTimeout(
      () => this.fail("connection-timeout", "no session in time"),
      config.loginTimeoutMs,
    );
    this.timer.unref();
  }

  get isReady(): boolean {
    return this.phase === "ready";
  }

  get fullJid(): string {
    return `${this.userId}/${this.resource}`;
  }

  streamOpened(header: ParsedElement): void {
    this.enqueue(() => this.onHeader(header));
  }

  element(e: ParsedElement): void {
    if (this.phase === "closed") return;
    const now = this.host.clock.now();
    if (!this.bucket.take(now)) {
      this.refused(e, now);
      return;
    }
    // An established session handles stanzas at once (nothing in it waits); before that, in order.
    if (this.phase === "ready" && this.pending === 0)
      this.onElement(e).catch((err) => this.internalError(err));
    else this.enqueue(() => this.onElement(e));
  }

  streamClosed(): void {
    if (this.phase === "closed") return;
    this.transport.end();
    this.onClosed();
  }

  xmlFault(err: XmlFaultError): void {
    this.fail(err.condition, err.message);
  }

  /** A push for this user (already decoded once for every session). */
  deliver(push: Push): void {
    if (this.phase !== "ready") return;
    this.router?.push(push);
  }

  /** Ends the stream with a stream error (RFC 6120 section 4.9). */
  fail(condition: string, reason: string): void {
    if (this.phase === "closed") return;
    const level = condition === "system-shutdown" || condition === "connection-timeout" ? "info" : "warn";
    this.host.log[level](
      {
        session: this.id,
        ip: this.transport.remoteAddress,
        user: this.userId || undefined,
        condition,
        reason,
      },
      "xmpp stream error",
    );
    if (!this.headerSent) this.sendHeader(this.domain || this.host.core.accounts.defaultDomain);
    this.transport.send(streamError(condition));
    this.transport.end();
    this.onClosed();
  }

  /** The transport saw the connection end. */
  onClosed(): void {
    if (this.phase === "closed") return;
    const wasReady = this.phase === "ready";
    this.phase = "closed";
    clearTimeout(this.timer);
    if (wasReady) {
      this.router?.close();
      this.host.unregister(this);
      this.host.core.presence.disconnected(this.userId);
    }
    // PLAIN went through the password login, which recorded a login session; it ends with the stream.
    if (this.tokenHash) this.host.core.accounts.logout(this.tokenHash).catch(() => {});
  }

  send(e: XElement): void {
    if (this.phase === "closed") return;
    if (this.transport.bufferedBytes() > this.host.config.maxBufferedBytes) {
      this.fail("policy-violation", "too much unread output");
      return;
    }
    this.transport.send(e);
  }

  private enqueue(step: () => Promise<void> | void): void {
    if (this.pending >= MAX_PENDING) {
      this.fail("policy-violation", "too many elements waiting");
      return;
    }
    this.pending++;
    this.queue = this.queue
      .then(() => (this.phase === "closed" ? undefined : step()))
      .catch((err) => this.internalError(err))
      .finally(() => {
        this.pending--;
      });
  }

  private internalError(err: unknown): void {
    this.host.log.error({ err, session: this.id }, "xmpp element failed");
    this.fail("internal-server-error", "internal error");
  }

  /** Over the rate limit: stanzas that expect an answer get resource-constraint; a flood ends the stream. */
  private refused(e: ParsedElement, now: number): void {
    if (!this.refusals.take(now) || this.phase !== "ready") {
      this.fail("policy-violation", "stanza rate limit exceeded");
      return;
    }
    const type = e.attrs.type;
    const answerable =
      (e.name === "iq" && (type === "get" || type === "set")) || (e.name === "message" && type !== "error");
    if (e.ns !== NS.client || !answerable) return;
    this.send(
      el(
        e.name,
        {
          xmlns: NS.client,
          type: "error",
          id: e.attrs.id,
          from: e.attrs.to ?? this.domain,
          to: this.fullJid,
        },
        el("error", { type: "wait" }, el("resource-constraint", { xmlns: NS.stanzas })),
      ),
    );
  }

  private sendHeader(domain: string): void {
    this.headerSent = true;
    this.transport.sendHeader({
      id: randomBytes(12).toString("base64url"),
      from: domain,
      version: "1.0",
      "xml:lang": "en",
    });
  }

  private async onHeader(h: ParsedElement): Promise<void> {
    if (this.phase !== "header") {
      this.fail("not-well-formed", "a second stream header");
      return;
    }
    if (this.transport.kind === "tcp" && (h.name !== "stream" || h.ns !== NS.stream)) {
      this.fail("invalid-namespace", "the root must be stream:stream");
      return;
    }
    if (this.transport.kind === "tcp" && h.declared[""] !== NS.client) {
      this.fail("invalid-namespace", "the content namespace must be jabber:client");
      return;
    }
    const to = parseJid(h.attrs.to ?? "");
    const domain = to && !to.local && !to.resource ? to.domain : "";
    if (!domain || (this.domain && domain !== this.domain) || !(await this.host.hostsDomain(domain))) {
      this.domain ||= this.host.core.accounts.defaultDomain;
      this.fail("host-unknown", "not a domain of this server");
      return;
    }
    this.domain = domain;
    if (!/^1\.\d+$/.test(h.attrs.version ?? "")) {
      this.fail("unsupported-version", "version 1.0 is required");
      return;
    }
    this.sendHeader(domain);
    if (this.transport.canStartTls() && !this.transport.isSecure()) {
      this.phase = "tls";
      this.send(
        el(
          "stream:features",
          { "xmlns:stream": NS.stream },
          el("starttls", { xmlns: NS.tls }, el("required")),
        ),
      );
    } else if (!this.authenticated) {
      this.phase = "sasl";
      this.sasl ??= new SaslNegotiator({
        accounts: this.host.core.accounts,
        domain,
        ip: this.transport.remoteAddress,
        secure: this.transport.isSecure(),
        fakeSaltKey: this.host.fakeSaltKey,
      });
      const mechanisms = this.sasl.mechanisms().map((m) => el("mechanism", {}, m));
      this.send(
        el(
          "stream:features",
          { "xmlns:stream": NS.stream },
          el("mechanisms", { xmlns: NS.sasl }, ...mechanisms),
        ),
      );
    } else {
      this.phase = "bind";
      this.send(
        el(
          "stream:features",
          { "xmlns:stream": NS.stream },
          el("bind", { xmlns: NS.bind }),
          el("session", { xmlns: NS.session }, el("optional")),
        ),
      );
    }
  }

  private async onElement(e: ParsedElement): Promise<void> {
    const known =
      (e.ns === NS.client && (e.name === "message" || e.name === "presence" || e.name === "iq")) ||
      (e.ns === NS.tls && e.name === "starttls") ||
      (e.ns === NS.sasl && (e.name === "auth" || e.name === "response" || e.name === "abort"));
    if (!known) {
      this.fail("unsupported-stanza-type", `unknown element ${e.name} in ${e.ns || "no namespace"}`);
      return;
    }
    switch (this.phase) {
      case "header":
        this.fail("not-authorized", "an element before the stream header");
        return;
      case "tls":
        if (e.name === "starttls") {
          this.phase = "header";
          this.send(el("proceed", { xmlns: NS.tls }));
          this.headerSent = false;
          this.transport.startTls();
        } else this.fail("policy-violation", "STARTTLS is required first");
        return;
      case "sasl":
        if (e.ns === NS.sasl) await this.onSasl(e);
        else this.fail(e.name === "starttls" ? "policy-violation" : "not-authorized", "not authenticated");
        return;
      case "bind":
        if (e.name === "iq" && e.attrs.type === "set") this.onBind(e);
        else this.fail("not-authorized", "no resource bound");
        return;
      case "ready":
        if (e.ns === NS.client) this.router?.handle(e);
        else this.fail("policy-violation", `${e.name} after the session started`);
        return;
    }
  }

  private async onSasl(e: ParsedElement): Promise<void> {
    const sasl = this.sasl as SaslNegotiator;
    let step: SaslStep;
    if (e.name === "abort") step = { kind: "failure", condition: "aborted", reason: "client aborted" };
    else if (e.name === "auth") step = await sasl.auth(e.attrs.mechanism ?? "", textOf(e));
    else step = await sasl.response(textOf(e));
    if (this.phase === "closed") return;
    if (step.kind === "challenge") {
      this.send(
        el("challenge", { xmlns: NS.sasl }, step.data ? Buffer.from(step.data).toString("base64") : "="),
      );
      return;
    }
    if (step.kind === "failure") {
      this.host.log.info(
        {
          session: this.id,
          ip: this.transport.remoteAddress,
          condition: step.condition,
          reason: step.reason,
        },
        "xmpp login refused",
      );
      this.send(el("failure", { xmlns: NS.sasl }, el(step.condition)));
      if (step.condition !== "aborted" && ++this.saslAttempts >= MAX_SASL_ATTEMPTS)
        this.fail("policy-violation", "too many failed logins");
      return;
    }
    this.userId = step.userId;
    this.tokenHash = step.tokenHash;
    this.authenticated = true;
    this.phase = "header";
    this.headerSent = false;
    this.transport.restartStream();
    this.send(
      el("success", { xmlns: NS.sasl }, step.data ? Buffer.from(step.data).toString("base64") : undefined),
    );
  }

  /** Resource binding (RFC 6120 section 7); a resource in use is replaced by a fresh one (section 7.7.2.2). */
  private onBind(iq: ParsedElement): void {
    const answer = (payload: XElement) =>
      this.send(el("iq", { xmlns: NS.client, type: "result", id: iq.attrs.id }, payload));
    if (child(iq, "session", NS.session)) {
      answer(el("session", { xmlns: NS.session }));
      return;
    }
    const bind = child(iq, "bind", NS.bind);
    if (!bind || !iq.attrs.id) {
      this.fail("not-authorized", "no resource bound");
      return;
    }
    const asked = textOf(child(bind, "resource", NS.bind) ?? el("resource")).trim();
    if (asked && !isValidResource(asked)) {
      this.send(
        el(
          "iq",
          { xmlns: NS.client, type: "error", id: iq.attrs.id },
          el("error", { type: "modify" }, el("bad-request", { xmlns: NS.stanzas })),
        ),
      );
      return;
    }
    let resource = asked || `starling-${randomBytes(6).toString("hex")}`;
    if (this.host.resourceTaken(this.userId, resource))
      resource = `${resource}-${randomBytes(4).toString("hex")}`;
    this.resource = resource;
    this.phase = "ready";
    clearTimeout(this.timer);
    this.router = new StanzaRouter(this, this.host.core, this.host.log, this.host.config);
    this.host.register(this);
    this.host.core.presence.connected(this.userId);
    this.host.log.info(
      { session: this.id, user: this.userId, transport: `xmpp-${this.transport.kind}` },
      "session started",
    );
    answer(el("bind", { xmlns: NS.bind }, el("jid", {}, this.fullJid)));
  }
}

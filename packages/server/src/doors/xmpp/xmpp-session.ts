import { randomBytes } from "node:crypto";
import type { Push } from "@starling/protocol";
import type { Core } from "../../core/core.js";
import type { Clock, Logger } from "../../core/kernel/ports.js";
import { TokenBucket } from "../../core/kernel/token-bucket.js";
import { NATIVE_RESOURCE } from "./context.js";
import { isValidResource } from "./jid.js";
import { type GivenUpConnection, type ResumableSession, Resumption } from "./resumption.js";
import { StanzaRouter } from "./router.js";
import { SaslNegotiator, type SaslStep } from "./sasl.js";
import { child, el, NS, stanzaError, streamError, streamFeatures, textOf, type XElement } from "./stanza.js";
import { checkStreamHeader, rateLimitAnswer } from "./stream-header.js";
import {
  ackElement,
  enabledElement,
  failedElement,
  handledCountTooHigh,
  isStanza,
  parseH,
  requestElement,
  SM_ELEMENTS,
  StreamManagement,
} from "./stream-management.js";
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
  /** The session is over for good. */
  ended(session: XmppSession): void;
  /** The session may be resumed by its resumeId. */
  resumable(session: XmppSession): void;
  findResumable(resumeId: string, userId: string): XmppSession | undefined;
  sessionAt(userId: string, resource: string): XmppSession | undefined;
  relayTo(userId: string, resource: string, stanza: XElement): boolean;
}

/**
 * "moved": this stream resumed an earlier session, which now owns the
 * connection; elements still queued here are handed on to it.
 */
type Phase = "header" | "tls" | "sasl" | "bind" | "ready" | "moved" | "closed";

/** SASL attempts per stream before it is closed (RFC 6120 section 6.4.5 asks for 2 to 5 retries). */
const MAX_SASL_ATTEMPTS = 3;
/** Elements waiting for an earlier one's asynchronous handling (login, domain check). */
const MAX_PENDING = 64;

/**
 * One XMPP session (RFC 6120): stream headers and features, STARTTLS, SASL,
 * resource binding, then stanzas through the router. Elements are handled
 * one after another in arrival order; anything malformed ends this stream
 * only, with the stream error that says why. With resumable stream
 * management (XEP-0198) a session outlives its connection (`resumption.ts`).
 */
export class XmppSession implements ResumableSession<XmppSession> {
  readonly id = randomBytes(9).toString("base64url");
  userId = "";
  resource = "";
  domain = "";
  private phase: Phase = "header";
  private sm: StreamManagement | undefined;
  readonly resumption: Resumption<XmppSession>;
  private authenticated = false;
  /** Set by refuse(): the failure is logged elsewhere. */
  private quiet = false;
  private headerSent = false;
  private tokenHash: string | undefined;
  /** When resource binding made the session ready (ms). */
  boundAt = 0;
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
    private transport: XmppTransport,
    private readonly host: XmppHost,
  ) {
    const { config } = host;
    this.resumption = new Resumption<XmppSession>(this, host.log);
    this.bucket = new TokenBucket(config.stanzasPerSecond, config.stanzaBurst, host.clock.now());
    this.refusals = new TokenBucket(config.stanzasPerSecond / 4, config.stanzaBurst, host.clock.now());
    this.timer = setTimeout(() => {
      host.core.connections.timedOut("login", transport.remoteAddress, `xmpp-${transport.kind}`);
      this.refuse("connection-timeout", "no session in time");
    }, config.loginTimeoutMs);
    this.timer.unref();
  }

  get isReady(): boolean {
    return this.phase === "ready";
  }

  get config(): XmppConfig {
    return this.host.config;
  }

  get fullJid(): string {
    return `${this.userId}/${this.resource}`;
  }

  peerAt(userId: string, resource: string): XmppSession | undefined {
    return this.host.sessionAt(userId, resource);
  }

  relayTo(userId: string, resource: string, stanza: XElement): boolean {
    return this.host.relayTo(userId, resource, stanza);
  }

  /** Stanzas sent on the stream so far (XEP-0198's count); undefined without stream management. */
  get sentCount(): number | undefined {
    return this.sm?.outbound;
  }

  get streamManagement(): StreamManagement | undefined {
    return this.sm;
  }

  get reachedHost(): string {
    return this.transport.reachedHost;
  }

  get remoteAddress(): string {
    return this.transport.remoteAddress;
  }

  /** The token hash of the login session a PLAIN login recorded; undefined after SCRAM. */
  get loginToken(): string | undefined {
    return this.tokenHash;
  }

  /** The XEP-0198 resumption id; empty when the session cannot be resumed. */
  get resumeId(): string {
    return this.sm?.id ?? "";
  }

  streamOpened(header: ParsedElement): void {
    this.enqueue(() => this.onHeader(header));
  }

  element(e: ParsedElement): void {
    const movedTo = this.resumption.movedTo;
    if (movedTo) {
      movedTo.element(e);
      return;
    }
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

  /** The client closed the stream: the session ends, with no resumption (XEP-0198 section 5). */
  streamClosed(): void {
    if (this.phase === "closed" || this.phase === "moved") return;
    this.transport.end();
    this.onClosed();
  }

  /**
   * The connection ended. A resumable session is kept for its window; a
   * transport this session has already left (after a resume elsewhere) is
   * no longer its concern.
   */
  connectionLost(transport: XmppTransport): void {
    if (transport !== this.transport || !this.resumption.attached) return;
    if (this.phase === "ready" && this.sm?.resumable) this.resumption.detach(this.sm);
    else this.onClosed();
  }

  xmlFault(err: XmlFaultError): void {
    this.fail(err.condition, err.message);
  }

  /** A push for this user (already decoded once for every session). */
  deliver(push: Push): void {
    if (this.phase !== "ready") return;
    this.router?.push(push);
  }

  /** Pushes to this user may have been lost: the router looks for what the client missed. */
  resync(): void {
    if (this.phase === "ready") this.router?.resync();
  }

  /**
   * Ends the stream with a stream error, leaving the log line to the
   * connection limiter (which throttles it): refusals and timeouts come in
   * floods.
   */
  refuse(condition: string, reason: string): void {
    this.quiet = true;
    this.fail(condition, reason, streamError(condition, reason));
  }

  /** Ends the stream with a stream error (RFC 6120 section 4.9), and the session with it. */
  fail(condition: string, reason: string, error = streamError(condition)): void {
    if (this.phase === "closed" || this.phase === "moved") return;
    if (!this.quiet) this.logFailure(condition, reason);
    if (this.resumption.attached) {
      if (!this.headerSent) this.sendHeader(this.domain || this.host.core.accounts.defaultDomain);
      this.transport.send(error);
      this.transport.end();
    }
    this.onClosed();
  }

  private logFailure(condition: string, reason: string): void {
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
  }

  /**
   * The session is over: it leaves the node's tables and presence counts it
   * as gone. Runs once per session, however many connections it had, and not
   * when a connection drops and the session waits for a resume.
   */
  private onClosed(): void {
    if (this.phase === "closed" || this.phase === "moved") return;
    const wasReady = this.phase === "ready";
    this.phase = "closed";
    clearTimeout(this.timer);
    this.resumption.stop();
    this.sm?.stopRequests();
    if (wasReady) {
      this.router?.close();
      this.host.unregister(this);
      this.host.core.presence.disconnected(this.userId);
    }
    this.host.ended(this);
    // PLAIN went through the password login, which recorded a login session; it ends with the session.
    if (this.tokenHash) this.host.core.accounts.logout(this.tokenHash).catch(() => {});
  }

  /**
   * Everything the session writes goes through here. With stream management
   * on, stanzas are counted and kept until the client acknowledges them
   * (XEP-0198 section 4); while detached they are only kept.
   */
  send(e: XElement): void {
    if (this.phase === "closed" || this.phase === "moved") return;
    const sm = this.sm;
    if (!sm || !isStanza(e)) {
      if (this.resumption.attached) this.write(e);
      return;
    }
    if (!sm.sent(e)) {
      this.fail("policy-violation", "too many unacknowledged stanzas");
      return;
    }
    if (this.resumption.attached && this.write(e)) sm.requestSoon(() => this.requestAck());
  }

  /** Writes to the current connection, uncounted; false when the session failed instead. */
  write(e: XElement): boolean {
    if (this.transport.bufferedBytes() > this.host.config.maxBufferedBytes) {
      this.fail("policy-violation", "too much unread output");
      return false;
    }
    this.transport.send(e);
    return true;
  }

  /** An `<r/>`, so the client's answer trims the queue and shows the connection still works. */
  private requestAck(): void {
    if (this.sm?.takeRequest() && this.resumption.attached && this.phase === "ready")
      this.write(requestElement());
  }

  // --- the session's side of resumption (resumption.ts)

  acknowledged(h: number): void {
    this.router?.acknowledged(h);
  }

  takeConnection(stream: XmppSession): GivenUpConnection {
    const old = this.transport;
    this.transport = stream.release();
    this.headerSent = true;
    this.transport.rebind(this);
    this.transport.ticket.authenticated();
    return old;
  }

  /** This stream resumed another session: its connection goes there and this session is over. */
  private release(): XmppTransport {
    this.phase = "moved";
    clearTimeout(this.timer);
    this.host.ended(this);
    if (this.tokenHash) this.host.core.accounts.logout(this.tokenHash).catch(() => {});
    return this.transport;
  }

  end(): void {
    this.onClosed();
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
    const movedTo = this.resumption.movedTo;
    if (movedTo) {
      movedTo.internalError(err);
      return;
    }
    this.host.log.error({ err, session: this.id }, "xmpp element failed");
    this.fail("internal-server-error", "internal error");
  }

  /** Over the rate limit: stanzas that expect an answer get resource-constraint; a flood ends the stream. */
  private refused(e: ParsedElement, now: number): void {
    this.host.core.metrics.inc("starling_rate_limited_total", { door: `xmpp-${this.transport.kind}` });
    if (!this.refusals.take(now) || this.phase !== "ready") {
      this.fail("policy-violation", "stanza rate limit exceeded");
      return;
    }
    // Refused is handled too: the client must not send it again on a resumed stream.
    if (e.ns === NS.client) this.sm?.handled();
    const answer = rateLimitAnswer(e, this.domain, this.fullJid);
    if (answer) this.send(answer);
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
    const check = checkStreamHeader(h, this.transport.kind);
    if (check.refusal) {
      this.fail(check.refusal.condition, check.refusal.reason);
      return;
    }
    const { domain } = check;
    if (!domain || (this.domain && domain !== this.domain) || !(await this.host.hostsDomain(domain))) {
      this.domain ||= this.host.core.accounts.defaultDomain;
      this.fail("host-unknown", "not a domain of this server");
      return;
    }
    this.domain = domain;
    if (!check.versionOk) {
      this.fail("unsupported-version", "version 1.0 is required");
      return;
    }
    this.sendHeader(domain);
    if (this.transport.canStartTls() && !this.transport.isSecure()) {
      this.phase = "tls";
      this.send(streamFeatures(el("starttls", { xmlns: NS.tls }, el("required"))));
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
      this.send(streamFeatures(el("mechanisms", { xmlns: NS.sasl }, ...mechanisms)));
    } else {
      this.phase = "bind";
      this.send(
        streamFeatures(
          el("bind", { xmlns: NS.bind }),
          el("session", { xmlns: NS.session }, el("optional")),
          el("sm", { xmlns: NS.sm }),
        ),
      );
    }
  }

  private async onElement(e: ParsedElement): Promise<void> {
    const movedTo = this.resumption.movedTo;
    if (movedTo) {
      movedTo.element(e);
      return;
    }
    const known =
      (e.ns === NS.client && (e.name === "message" || e.name === "presence" || e.name === "iq")) ||
      (e.ns === NS.tls && e.name === "starttls") ||
      (e.ns === NS.sasl && (e.name === "auth" || e.name === "response" || e.name === "abort")) ||
      (e.ns === NS.sm && SM_ELEMENTS.has(e.name));
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
        // Stream management errors are recoverable (XEP-0198 section 6): the client may still log in.
        else if (e.ns === NS.sm && (e.name === "enable" || e.name === "resume"))
          this.send(failedElement("not-authorized"));
        else this.fail(e.name === "starttls" ? "policy-violation" : "not-authorized", "not authenticated");
        return;
      case "bind":
        if (e.name === "iq" && e.attrs.type === "set") this.onBind(e);
        else if (e.ns === NS.sm && e.name === "resume")
          this.resumption.request(e, (previd) => this.host.findResumable(previd, this.userId));
        // Enabling comes after binding (XEP-0198 section 3).
        else if (e.ns === NS.sm && e.name === "enable") this.send(failedElement("unexpected-request"));
        else this.fail("not-authorized", "no resource bound");
        return;
      case "ready":
        if (e.ns === NS.client) {
          this.sm?.handled();
          this.router?.handle(e);
        } else if (e.ns === NS.sm) this.onSmReady(e);
        else this.fail("policy-violation", `${e.name} after the session started`);
        return;
    }
  }

  /** Stream management on an established session (XEP-0198 sections 3 and 4). */
  private onSmReady(e: ParsedElement): void {
    const sm = this.sm;
    if (e.name === "enable") {
      // A second <enable/> is refused (section 3).
      if (sm) this.send(failedElement("unexpected-request"));
      else {
        this.sm = StreamManagement.enable(e.attrs, this.host.config);
        if (this.sm.resumable) this.host.resumable(this);
        this.send(enabledElement(this.sm));
      }
      return;
    }
    if (e.name === "resume") {
      this.send(failedElement("unexpected-request", sm?.inbound));
      return;
    }
    if (!sm) {
      this.fail("unsupported-stanza-type", `${e.name} without stream management enabled`);
      return;
    }
    if (e.name === "r") {
      this.write(ackElement(sm.inbound));
      return;
    }
    const h = parseH(e.attrs.h);
    if (h === undefined) this.fail("invalid-xml", "an ack without a valid h");
    else if (!sm.ack(h))
      this.fail("undefined-condition", "ack for more than was sent", handledCountTooHigh(h, sm.outbound));
    else this.acknowledged(h);
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
      this.send(stanzaError(iq, { type: "modify", condition: "bad-request" }));
      return;
    }
    const door = `xmpp-${this.transport.kind}` as const;
    if (!this.host.core.connections.sessionAllowed(this.userId, this.transport.remoteAddress, door)) {
      // RFC 6120 section 7.6.2.1: the account has reached its limit of connected resources.
      this.send(stanzaError(iq, { type: "wait", condition: "resource-constraint" }));
      this.refuse("policy-violation", "too many sessions of this user are open");
      return;
    }
    this.transport.ticket.authenticated();
    let resource = asked || `starling-${randomBytes(6).toString("hex")}`;
    if (resource === NATIVE_RESOURCE || this.host.resourceTaken(this.userId, resource))
      resource = `${resource}-${randomBytes(4).toString("hex")}`;
    this.resource = resource;
    this.phase = "ready";
    clearTimeout(this.timer);
    this.boundAt = this.host.clock.now();
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

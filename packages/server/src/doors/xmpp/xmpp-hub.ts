import { randomBytes } from "node:crypto";
import { decodeEnvelope, type Push } from "@starling/protocol";
import type { Core } from "../../core/core.js";
import type { BusReceiver, Clock, KickReason, Logger } from "../../core/kernel/ports.js";
import type { XElement } from "./stanza.js";
import type { XmppConfig } from "./xmpp-config.js";
import { type XmppHost, XmppSession } from "./xmpp-session.js";
import type { XmppTransport } from "./xmpp-transport.js";

/** Bus address of an XMPP resource (Bus.publishTo): the prefix, then the resource. */
const RELAY = "xmpp/";
const encoder = new TextEncoder();
/** The label of this door's pushes in the metrics. */
const DOOR = { door: "xmpp" };
const decoder = new TextDecoder();

/**
 * This node's XMPP sessions, by user. It receives the same bus traffic as the
 * native gateway's hub: each push is decoded once and handed to the user's
 * XMPP sessions (skipping the session that caused it), which write it as stanzas.
 * Sessions waiting for a resume (XEP-0198) stay here, by their resumption id
 * too, until they are resumed or their window ends.
 */
export class XmppHub implements XmppHost, BusReceiver {
  readonly fakeSaltKey = randomBytes(32);
  private readonly byUser = new Map<string, Set<XmppSession>>();
  private readonly all = new Set<XmppSession>();
  private readonly byResumeId = new Map<string, XmppSession>();
  private closing = false;

  constructor(
    readonly core: Core,
    readonly clock: Clock,
    readonly log: Logger,
    readonly config: XmppConfig,
    /** Whether the server serves this domain (and it is not disabled). */
    readonly hostsDomain: (domain: string) => Promise<boolean>,
  ) {}

  /** A transport accepted a connection. */
  open(transport: XmppTransport): XmppSession | undefined {
    const s = new XmppSession(transport, this);
    if (this.closing) {
      s.fail("system-shutdown", "server is shutting down");
      return undefined;
    }
    if (transport.ticket.refusal) {
      s.refuse("policy-violation", transport.ticket.refusal);
      return undefined;
    }
    this.all.add(s);
    return s;
  }

  /** The transport saw the connection end. */
  closed(session: XmppSession, transport: XmppTransport): void {
    session.connectionLost(transport);
  }

  ended(session: XmppSession): void {
    this.all.delete(session);
    if (session.resumeId && this.byResumeId.get(session.resumeId) === session)
      this.byResumeId.delete(session.resumeId);
  }

  resumable(session: XmppSession): void {
    this.byResumeId.set(session.resumeId, session);
  }

  findResumable(resumeId: string, userId: string): XmppSession | undefined {
    const s = this.byResumeId.get(resumeId);
    // Another user's id is as unknown as one that never existed (XEP-0198 section 5).
    return s && s.userId === userId && s.isReady ? s : undefined;
  }

  register(session: XmppSession): void {
    let set = this.byUser.get(session.userId);
    if (!set) this.byUser.set(session.userId, (set = new Set()));
    set.add(session);
  }

  unregister(session: XmppSession): void {
    const set = this.byUser.get(session.userId);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.byUser.delete(session.userId);
  }

  resourceTaken(userId: string, resource: string): boolean {
    for (const s of this.byUser.get(userId) ?? []) if (s.resource === resource) return true;
    return false;
  }

  sessionAt(userId: string, resource: string): XmppSession | undefined {
    for (const s of this.byUser.get(userId) ?? []) if (s.resource === resource && s.isReady) return s;
    return undefined;
  }

  relayTo(userId: string, resource: string, stanza: XElement): boolean {
    return this.core.relayTo(userId, RELAY + resource, encoder.encode(JSON.stringify(stanza)));
  }

  /**
   * A stanza another node relayed for one of this node's resources. It comes
   * from a node of the same cluster, already checked and addressed there;
   * what does not parse as an element is dropped with a log line.
   */
  deliverTo(userId: string, address: string, frame: Uint8Array): void {
    if (!address.startsWith(RELAY)) return;
    const target = this.sessionAt(userId, address.slice(RELAY.length));
    if (!target) return;
    let stanza: XElement;
    try {
      stanza = JSON.parse(decoder.decode(frame)) as XElement;
      if (typeof stanza?.name !== "string" || !Array.isArray(stanza.children))
        throw new Error("not an element");
    } catch (err) {
      this.log.warn({ err, user: userId }, "xmpp relayed stanza dropped");
      return;
    }
    target.send(stanza);
  }

  deliver(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void {
    let push: Push | null | undefined;
    let delivered = 0;
    for (const u of userIds) {
      const set = this.byUser.get(u);
      if (!set) continue;
      if (push === undefined) push = this.pushOf(frame);
      if (push === null) return;
      for (const s of set) {
        if (s.id === exceptSession) continue;
        s.deliver(push);
        delivered++;
      }
    }
    this.core.metrics.inc("starling_deliveries_total", DOOR, delivered);
  }

  /** Directory changes have no XMPP form yet. */
  deliverDomain(): void {}

  /** Detached sessions are still in `byUser`, so they end too and cannot be resumed. */
  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void {
    for (const u of userIds) {
      for (const s of [...(this.byUser.get(u) ?? [])]) {
        if (keepToken !== undefined && s.loginToken === keepToken) continue;
        if (onlyToken !== undefined && s.loginToken !== onlyToken) continue;
        s.fail("not-authorized", reason === "disabled" ? "account disabled" : "signed out");
      }
    }
  }

  /**
   * The bus was down, so pushes from other nodes were lost. XMPP has no sync
   * pass to prompt, so each session looks for what its client missed itself.
   */
  resync(): void {
    for (const s of this.all) s.resync();
    void this.recheck([...this.byUser.keys()]);
  }

  /**
   * A kick from another node may have been lost with the pushes: each user's
   * account is checked again (XMPP logins hold no token to check).
   */
  private async recheck(userIds: string[]): Promise<void> {
    const worker = async () => {
      for (let u = userIds.pop(); u; u = userIds.pop()) {
        try {
          const why = await this.core.accounts.accountStanding(u);
          if (why) this.kick([u], why);
        } catch (err) {
          this.log.warn({ err }, "could not recheck an XMPP user after a bus outage");
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  get sessionCount(): number {
    return this.all.size;
  }

  /** Ends every stream with system-shutdown, and every session waiting for a resume, and refuses new ones. */
  shutdown(): void {
    this.closing = true;
    for (const s of [...this.all]) s.fail("system-shutdown", "server is shutting down");
    this.all.clear();
    this.byResumeId.clear();
  }

  /** The push a frame carries; null for anything else. */
  private pushOf(frame: Uint8Array): Push | null {
    try {
      const env = decodeEnvelope(frame);
      if (env.kind.case === "push") return env.kind.value;
    } catch (err) {
      this.log.error({ err }, "undecodable push on the bus");
    }
    return null;
  }
}

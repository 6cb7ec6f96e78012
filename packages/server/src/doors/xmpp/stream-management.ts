import { randomBytes } from "node:crypto";
import { el, NS, type XElement } from "./stanza.js";
import type { XmppConfig } from "./xmpp-config.js";

/** Counters wrap at 2^32 (XEP-0198 section 4: "h" is an unsigned 32-bit integer). */
const MOD = 2 ** 32;

/** The stream management elements a client may send (XEP-0198 sections 3 to 5). */
export const SM_ELEMENTS: ReadonlySet<string> = new Set(["enable", "resume", "r", "a"]);

/** Only stanzas are counted and acknowledged; nonzas such as `<r/>` and `<a/>` are not (section 1). */
export function isStanza(e: XElement): boolean {
  return e.name === "message" || e.name === "presence" || e.name === "iq";
}

/** An "h" attribute as a number, or undefined when it is not an unsigned 32-bit integer. */
export function parseH(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n < MOD ? n : undefined;
}

/**
 * The state of one session with stream management (XEP-0198) on: the count
 * of stanzas handled from the client, the count sent to it, and the sent
 * stanzas it has not acknowledged yet, oldest first, so they can be sent
 * again on a resumed stream (section 5). It outlives the connection it was
 * enabled on when the session is resumable.
 */
export class StreamManagement {
  /** Handled inbound stanzas, the "h" this side reports. */
  inbound = 0;
  /** Stanzas sent to the client since enabling. */
  outbound = 0;
  /** The client's last "h". */
  private acked = 0;
  private unacked: XElement[] = [];
  /** Stanzas sent since the last `<r/>`. */
  private unrequested = 0;
  private requestTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The resumption id (section 5), unguessable; empty when resumption was not asked for. */
    readonly id: string,
    /** How long a dropped connection's session waits for a resume. */
    readonly windowMs: number,
    private readonly config: XmppConfig,
  ) {}

  /**
   * What an `<enable/>` (section 3) turns on: resumption when asked for and
   * not switched off, within the client's "max" when it asks for less time.
   */
  static enable(attrs: Record<string, string>, config: XmppConfig): StreamManagement {
    const asked = parseH(attrs.max);
    const windowMs = Math.min(config.resumeTimeoutMs, asked ? asked * 1000 : Number.POSITIVE_INFINITY);
    const resume = (attrs.resume === "true" || attrs.resume === "1") && windowMs > 0;
    return new StreamManagement(resume ? randomBytes(18).toString("base64url") : "", windowMs, config);
  }

  get resumable(): boolean {
    return this.id !== "";
  }

  /** The stanzas sent but not acknowledged, oldest first. */
  get pending(): readonly XElement[] {
    return this.unacked;
  }

  handled(): void {
    this.inbound = (this.inbound + 1) % MOD;
  }

  /** Records a stanza going out; false once more are unacknowledged than the limit allows. */
  sent(e: XElement): boolean {
    this.unacked.push(e);
    this.outbound = (this.outbound + 1) % MOD;
    this.unrequested++;
    return this.unacked.length <= this.config.maxUnackedStanzas;
  }

  /**
   * Applies the client's "h": the stanzas it covers are dropped from the
   * queue. False when it counts more than was ever sent, which the caller
   * treats as the handled-count-too-high error of section 4.
   */
  ack(h: number): boolean {
    const n = (h - this.acked + MOD) % MOD;
    if (n > this.unacked.length) return false;
    if (n > 0) this.unacked.splice(0, n);
    this.acked = h;
    return true;
  }

  /**
   * After a stanza went out: `request` (which sends an `<r/>`) runs at once
   * when enough stanzas are waiting, else once the delay has passed, so a
   * burst costs one request and a single stanza is not left unconfirmed.
   */
  requestSoon(request: () => void): void {
    if (this.unrequested >= this.config.ackRequestEvery) request();
    else this.requestTimer ??= setTimeout(request, this.config.ackRequestDelayMs).unref();
  }

  /** Whether an `<r/>` is worth sending now; if so, the count starts again. */
  takeRequest(): boolean {
    this.stopRequests();
    if (this.unrequested === 0) return false;
    this.unrequested = 0;
    return true;
  }

  stopRequests(): void {
    clearTimeout(this.requestTimer);
    this.requestTimer = undefined;
  }
}

/** `<enabled/>` (section 3); "max" is the resumption window in seconds. */
export function enabledElement(sm: StreamManagement): XElement {
  return el(
    "enabled",
    sm.resumable
      ? { xmlns: NS.sm, id: sm.id, resume: "true", max: String(Math.max(1, Math.ceil(sm.windowMs / 1000))) }
      : { xmlns: NS.sm },
  );
}

/** `<failed/>` with a stanza error condition (section 6); "h" when the server knows it (section 5). */
export function failedElement(condition: string, h?: number): XElement {
  return el(
    "failed",
    { xmlns: NS.sm, h: h === undefined ? undefined : String(h) },
    el(condition, { xmlns: NS.stanzas }),
  );
}

export function ackElement(h: number): XElement {
  return el("a", { xmlns: NS.sm, h: String(h) });
}

export function requestElement(): XElement {
  return el("r", { xmlns: NS.sm });
}

export function resumedElement(sm: StreamManagement): XElement {
  return el("resumed", { xmlns: NS.sm, previd: sm.id, h: String(sm.inbound) });
}

/**
 * The stream error for an "h" above the number of stanzas sent (section 4):
 * undefined-condition with the counts, so both sides can tell what went wrong.
 */
export function handledCountTooHigh(h: number, sent: number): XElement {
  return el(
    "stream:error",
    { "xmlns:stream": NS.stream },
    el("undefined-condition", { xmlns: NS.streams }),
    el(
      "text",
      { xmlns: NS.streams },
      `You acknowledged ${h} stanzas, but only ${sent} were sent on this stream`,
    ),
    el("handled-count-too-high", { xmlns: NS.sm, h: String(h), "send-count": String(sent) }),
  );
}

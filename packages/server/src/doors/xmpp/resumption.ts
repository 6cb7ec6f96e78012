import type { Logger } from "../../core/kernel/ports.js";
import { streamError, type XElement } from "./stanza.js";
import {
  failedElement,
  handledCountTooHigh,
  parseH,
  requestElement,
  resumedElement,
  type StreamManagement,
} from "./stream-management.js";
import type { ParsedElement } from "./xml-stream.js";

/** A connection a session gave up, as far as resumption deals with it: it may only be closed. */
export interface GivenUpConnection {
  send(e: XElement): void;
  end(): void;
}

/** What resumption works on: the session it belongs to, as the session offers it. */
export interface ResumableSession<S extends ResumableSession<S>> {
  readonly id: string;
  readonly userId: string;
  readonly resumption: Resumption<S>;
  /** The session's stream management, once the client enabled it. */
  readonly streamManagement: StreamManagement | undefined;
  /** The address of the session's current connection. */
  readonly remoteAddress: string;
  /** Writes to the current connection as it is; false when the session failed instead. */
  write(e: XElement): boolean;
  send(e: XElement): void;
  fail(condition: string, reason: string, error?: XElement): void;
  /** The client acknowledged `h` stanzas. */
  acknowledged(h: number): void;
  /**
   * `stream` resumed this session: it is over, and its connection, past its
   * stream headers, becomes this session's. Returns the connection the session had.
   */
  takeConnection(stream: S): GivenUpConnection;
  /** The session is over for good. */
  end(): void;
}

/**
 * Resumption (XEP-0198 section 5) for one session. With resumable stream
 * management a session outlives its connection: when the connection drops it
 * is detached, keeping its router (rooms, carbons, presence watches) and
 * queueing what is sent to it (the queue is `StreamManagement`'s), until a new
 * stream of the same user resumes it with `<resume/>` and hands over its
 * connection, or the resumption window ends. The stream that resumed is then
 * "moved": what still reaches it goes on to the resumed session.
 */
export class Resumption<S extends ResumableSession<S>> {
  private detached = false;
  private window: NodeJS.Timeout | undefined;
  private target: S | undefined;

  constructor(
    private readonly session: S,
    private readonly log: Logger,
  ) {}

  /** False while the session waits for a new connection. */
  get attached(): boolean {
    return !this.detached;
  }

  /** The session this stream resumed, which now owns its connection. */
  get movedTo(): S | undefined {
    return this.target;
  }

  /** The connection dropped: keep the session for its resumption window. */
  detach(sm: StreamManagement): void {
    const s = this.session;
    this.detached = true;
    sm.stopRequests();
    this.window = setTimeout(() => {
      this.log.info(
        { session: s.id, user: s.userId, unacked: sm.pending.length },
        "xmpp session not resumed in time",
      );
      s.end();
    }, sm.windowMs);
    this.window.unref();
    this.log.info(
      { session: s.id, user: s.userId, ip: s.remoteAddress, windowMs: sm.windowMs },
      "xmpp session detached",
    );
  }

  /** The session is over: its window no longer runs. */
  stop(): void {
    clearTimeout(this.window);
    this.window = undefined;
  }

  /**
   * `<resume/>` instead of binding, on a new stream. An unknown, expired or
   * another user's id fails the same way, and the client may bind instead.
   */
  request(e: ParsedElement, find: (previd: string) => S | undefined): void {
    const h = parseH(e.attrs.h);
    const previd = e.attrs.previd ?? "";
    if (h === undefined || !previd) {
      this.session.send(failedElement("bad-request"));
      return;
    }
    const target = find(previd);
    if (!target) {
      this.session.send(failedElement("item-not-found"));
      return;
    }
    target.resumption.resumeFrom(this.session, h);
  }

  /**
   * A new stream of the same user resumes this session: the client's "h"
   * trims the queue, the new stream's connection becomes this session's
   * (closing the old one if it is still open), and what the client has not
   * acknowledged is sent again in order.
   */
  private resumeFrom(stream: S, h: number): void {
    const s = this.session;
    const sm = s.streamManagement as StreamManagement;
    if (!sm.ack(h)) {
      // Neither side can tell what the client has: both streams end.
      const tooHigh = handledCountTooHigh(h, sm.outbound);
      stream.fail("undefined-condition", "resume acknowledged more than was sent", tooHigh);
      s.fail("undefined-condition", "resume acknowledged more than was sent", tooHigh);
      return;
    }
    s.acknowledged(h);
    const wasAttached = this.attached;
    stream.resumption.target = s;
    const old = s.takeConnection(stream);
    this.detached = false;
    this.stop();
    if (wasAttached) {
      // A half-open connection the server had not noticed yet; its close no longer concerns this session.
      old.send(streamError("conflict", "the session was resumed on another connection"));
      old.end();
    }
    const resent = sm.pending.length;
    this.log.info({ session: s.id, user: s.userId, ip: s.remoteAddress, resent }, "xmpp session resumed");
    s.write(resumedElement(sm));
    for (const stanza of sm.pending) if (!s.write(stanza)) return;
    sm.takeRequest();
    if (resent > 0) s.write(requestElement());
  }
}

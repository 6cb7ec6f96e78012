import type { Bus, BusReceiver, KickReason } from "../../core/kernel/ports.js";
import type { NatsLink } from "./nats-link.js";

export interface NatsBusOptions {
  /** Subject prefix shared by the nodes of one cluster (tests use their own). */
  prefix: string;
  nodeId: string;
}

interface Header {
  /** Origin node: it has delivered locally already. */
  n: string;
  u: readonly string[];
  x?: string;
  k?: KickReason;
  /** A kick's login to keep (token hash). */
  t?: string;
  /** A kick of this one login only (token hash). */
  o?: string;
  /** A domain-wide push. */
  d?: string;
  /** The session address of a frame for one session of `u[0]` (Bus.publishTo). */
  a?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** [u32 header length][JSON header][frame]: the frame travels as bytes, untouched. */
function pack(h: Header, frame: Uint8Array): Uint8Array {
  const head = encoder.encode(JSON.stringify(h));
  const out = new Uint8Array(4 + head.length + frame.length);
  new DataView(out.buffer).setUint32(0, head.length);
  out.set(head, 4);
  out.set(frame, 4 + head.length);
  return out;
}

function unpack(data: Uint8Array): { h: Header; frame: Uint8Array } {
  const len = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
  const h = JSON.parse(decoder.decode(data.subarray(4, 4 + len))) as Header;
  return { h, frame: data.subarray(4 + len) };
}

/**
 * The cluster bus on NATS: a node delivers to its own sessions at once and
 * broadcasts the push to the other nodes, which deliver to theirs. Pushes
 * are a fast path only: a device that misses one catches up by sync, so
 * core NATS (at most once) is enough here. While the link is down the
 * broadcast is dropped, never waited for, and when it is back every node
 * tells its sessions to sync: this node's (they missed the others'
 * pushes) and, through a resync notice, everyone else's (they missed
 * this node's).
 */
export class NatsBus implements Bus {
  private receiver: BusReceiver | undefined;

  constructor(
    /** Shared with the presence directory of the same node. */
    readonly link: NatsLink,
    private readonly opts: NatsBusOptions,
  ) {
    const on = (subject: string, fn: (h: Header, frame: Uint8Array) => void) =>
      link.subscribe(`${opts.prefix}.${subject}`, (data) => {
        const { h, frame } = unpack(data);
        if (h.n !== opts.nodeId) fn(h, frame);
      });
    on("deliver", (h, frame) => this.receiver?.deliver(h.u, frame, h.x));
    on("domain", (h, frame) => {
      if (h.d) this.receiver?.deliverDomain(h.d, frame);
    });
    on("kick", (h) => {
      if (h.k) this.receiver?.kick(h.u, h.k, h.t, h.o);
    });
    on("resync", () => this.receiver?.resync());
    on("to", (h, frame) => {
      if (h.a && h.u[0]) this.receiver?.deliverTo(h.u[0], h.a, frame);
    });
    link.onUp(({ afterOutage }) => {
      if (!afterOutage) return;
      this.receiver?.resync();
      this.send("resync", pack({ n: opts.nodeId, u: [] }, new Uint8Array(0)));
    });
  }

  health(): { ok: boolean; detail?: string } {
    return this.link.health();
  }

  attach(receiver: BusReceiver): void {
    this.receiver = receiver;
  }

  publish(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void {
    this.receiver?.deliver(userIds, frame, exceptSession);
    const h: Header = { n: this.opts.nodeId, u: userIds, ...(exceptSession ? { x: exceptSession } : {}) };
    this.send("deliver", pack(h, frame));
  }

  publishLocal(userIds: readonly string[], frame: Uint8Array): void {
    this.receiver?.deliver(userIds, frame);
  }

  publishDomain(domain: string, frame: Uint8Array): void {
    this.receiver?.deliverDomain(domain, frame);
    this.send("domain", pack({ n: this.opts.nodeId, u: [], d: domain }, frame));
  }

  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void {
    this.receiver?.kick(userIds, reason, keepToken, onlyToken);
    const h: Header = {
      n: this.opts.nodeId,
      u: userIds,
      k: reason,
      ...(keepToken ? { t: keepToken } : {}),
      ...(onlyToken ? { o: onlyToken } : {}),
    };
    this.send("kick", pack(h, new Uint8Array(0)));
  }

  publishTo(userId: string, address: string, frame: Uint8Array): boolean {
    this.send("to", pack({ n: this.opts.nodeId, u: [userId], a: address }, frame));
    return true;
  }

  close(): Promise<void> {
    return this.link.close();
  }

  private send(subject: string, data: Uint8Array): void {
    this.link.publish(`${this.opts.prefix}.${subject}`, data);
  }
}

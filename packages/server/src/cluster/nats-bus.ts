import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import type { Bus, BusReceiver, KickReason, Logger } from "../core/ports.js";

export interface NatsBusOptions {
  servers: string[];
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
  /** A domain-wide push. */
  d?: string;
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
 * core NATS (at most once) is enough here.
 */
export class NatsBus implements Bus {
  private receiver: BusReceiver | undefined;
  private readonly subs: Subscription[] = [];
  private connected = true;

  private constructor(
    /** Shared with the presence directory of the same node. */
    readonly nc: NatsConnection,
    private readonly opts: NatsBusOptions,
    private readonly log: Logger,
  ) {}

  static async connect(opts: NatsBusOptions, log: Logger): Promise<NatsBus> {
    const nc = await connect({
      servers: opts.servers,
      name: `starling-${opts.nodeId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    const bus = new NatsBus(nc, opts, log);
    bus.listen();
    void bus.watchStatus();
    return bus;
  }

  available(): boolean {
    return this.connected;
  }

  attach(receiver: BusReceiver): void {
    this.receiver = receiver;
  }

  publish(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void {
    this.receiver?.deliver(userIds, frame, exceptSession);
    const h: Header = { n: this.opts.nodeId, u: userIds, ...(exceptSession ? { x: exceptSession } : {}) };
    this.send(`${this.opts.prefix}.deliver`, pack(h, frame));
  }

  publishLocal(userIds: readonly string[], frame: Uint8Array): void {
    this.receiver?.deliver(userIds, frame);
  }

  publishDomain(domain: string, frame: Uint8Array): void {
    this.receiver?.deliverDomain(domain, frame);
    this.send(`${this.opts.prefix}.domain`, pack({ n: this.opts.nodeId, u: [], d: domain }, frame));
  }

  kick(userIds: readonly string[], reason: KickReason, keepToken?: string): void {
    this.receiver?.kick(userIds, reason, keepToken);
    const h: Header = { n: this.opts.nodeId, u: userIds, k: reason, ...(keepToken ? { t: keepToken } : {}) };
    this.send(`${this.opts.prefix}.kick`, pack(h, new Uint8Array(0)));
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    try {
      await this.nc.drain();
    } catch {
      // Draining needs a live connection; without one, just close.
      await this.nc.close();
    }
  }

  /** Follows the connection: the client reconnects by itself; sends wait for it. */
  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === "disconnect" || s.type === "close") {
        if (this.connected)
          this.log.warn({ server: "server" in s ? s.server : "" }, "cluster bus disconnected");
        this.connected = false;
      } else if (s.type === "reconnect") {
        this.connected = true;
        this.log.info({ server: s.server }, "cluster bus reconnected");
      }
    }
  }

  private send(subject: string, data: Uint8Array): void {
    try {
      this.nc.publish(subject, data);
    } catch (err) {
      // A closed or failing connection loses only the fast path; sync repairs it.
      this.log.warn({ err: err instanceof Error ? err.message : String(err), subject }, "bus publish failed");
    }
  }

  private listen(): void {
    const handle = (subject: string, fn: (h: Header, frame: Uint8Array) => void) => {
      const sub = this.nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return;
          try {
            const { h, frame } = unpack(msg.data);
            if (h.n !== this.opts.nodeId) fn(h, frame);
          } catch (e) {
            this.log.warn(
              { err: e instanceof Error ? e.message : String(e), subject },
              "malformed bus message",
            );
          }
        },
      });
      this.subs.push(sub);
    };
    handle(`${this.opts.prefix}.deliver`, (h, frame) => this.receiver?.deliver(h.u, frame, h.x));
    handle(`${this.opts.prefix}.domain`, (h, frame) => {
      if (h.d) this.receiver?.deliverDomain(h.d, frame);
    });
    handle(`${this.opts.prefix}.kick`, (h) => {
      if (h.k) this.receiver?.kick(h.u, h.k, h.t);
    });
  }
}

import type { XmppJob, XmppResult } from "../lib/channel.js";
import { BENCH_DOMAIN, passwordFor, tokenFor, userId } from "../lib/users.js";
import { type Emit, Meter, runClosedLoop } from "./closed-loop.js";
import type { BenchConn } from "./connection.js";
import { closeAll, Keepalive, openAll } from "./pool.js";
import { benchText } from "./text.js";
import { newPeeked, parseBenchId, peek } from "./wire.js";
import { connectXmpp, type XmppConn } from "./xmpp-conn.js";

/**
 * Keeps `window` chat messages in flight to one peer. XMPP has no send ack:
 * a message completes when the peer has it, which the server does only after
 * storing it. Ids are the native scenarios' "s<sender>-<n>", so a native
 * receiver names the sender the same way an XMPP one does.
 */
class XmppSender {
  /** Message number -> send time. */
  readonly inflight = new Map<number, number>();
  private n = 0;
  private readonly head: string;
  private readonly tail: string;

  constructor(
    index: number,
    private readonly conn: XmppConn,
    to: string,
    body: string,
    private readonly window: number,
    private readonly meter: Meter,
  ) {
    this.head = `<message to='${to}' type='chat' id='s${index}-`;
    this.tail = `'><body>${body}</body></message>`;
  }

  /** Tops the window up in one write: one TLS record for the stanzas of one turn. */
  fill(): void {
    let out = "";
    const now = performance.now();
    while (this.meter.running && !this.conn.closed && this.inflight.size < this.window) {
      const n = ++this.n;
      this.inflight.set(n, now);
      out += this.head + n + this.tail;
    }
    if (out) this.conn.write(out);
  }

  onDelivered(n: number, now: number): void {
    const sentAt = this.inflight.get(n);
    if (sentAt === undefined) return;
    this.inflight.delete(n);
    if (this.meter.measuring) {
      this.meter.completed++;
      this.meter.deliveries++;
      this.meter.latency.recordMs(now - sentAt);
    }
    this.fill();
  }

  /** The server bounced message `n` with a stanza error. */
  onError(n: number, condition: string): void {
    if (!this.inflight.delete(n)) return;
    const codes = this.meter.failures.errorCodes;
    codes[condition] = (codes[condition] ?? 0) + 1;
    this.fill();
  }
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;");

/**
 * Where a bench id starts in a client_msg_id: the gateway stores a stanza id
 * scoped to its stream as `x~<stream key>~<id>`, which receivers see.
 */
function unscoped(id: string): string {
  return id.startsWith("x~") ? id.slice(id.indexOf("~", 2) + 1) : id;
}

/** "s<sender>-<n>" (possibly stream-scoped) into `out`; false for any other id. */
function parseId(scopedId: string, out: { sender: number; n: number }): boolean {
  const id = unscoped(scopedId);
  const dash = id.indexOf("-");
  if (id.charCodeAt(0) !== 0x73 || dash < 2) return false;
  out.sender = Number(id.slice(1, dash));
  out.n = Number(id.slice(dash + 1));
  return Number.isInteger(out.sender) && Number.isInteger(out.n);
}

/** The same for a client_msg_id inside a frame: the index after an `x~<key>~` scope, if there is one. */
function benchIdStart(frame: Uint8Array, start: number, end: number): number {
  if (start < 0 || frame[start] !== 0x78 || frame[start + 1] !== 0x7e) return start; // "x~"
  for (let i = start + 2; i < end; i++) if (frame[i] === 0x7e) return i + 1;
  return start;
}

/** Opens and logs in one XMPP connection per user, `concurrency` at a time, or closes what opened and throws. */
async function openXmpp(job: XmppJob, users: readonly number[], concurrency: number): Promise<XmppConn[]> {
  const port = job.endpoint.xmppPort;
  if (!port) throw new Error("the server reported no XMPP listener (xmpp.enabled off?)");
  const deadline = performance.now() + 60_000;
  const conns: (XmppConn | undefined)[] = new Array(users.length).fill(undefined);
  const errors = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      const left = deadline - performance.now();
      if (left <= 0) {
        errors.add("opening phase deadline passed");
        continue;
      }
      try {
        conns[i] = await connectXmpp({
          host: job.endpoint.host,
          port,
          domain: BENCH_DOMAIN,
          user: `u${users[i]}`,
          password: passwordFor(job.tokenSalt),
          resource: "bench",
          timeoutMs: Math.min(left, 30_000),
        });
      } catch (err) {
        if (errors.size < 5) errors.add(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const opened = conns.filter((c): c is XmppConn => c !== undefined);
  if (opened.length < users.length) {
    await closeXmpp(opened);
    throw new Error(`${users.length - opened.length} XMPP logins failed: ${[...errors].join("; ")}`);
  }
  return opened;
}

/** Closes every connection and waits (bounded) until the sockets report closed. */
async function closeXmpp(conns: readonly XmppConn[], waitMs = 10_000): Promise<void> {
  const open = conns.filter((c) => !c.closed);
  const gone = open.map((c) => new Promise<void>((resolve) => (c.onClose = resolve)));
  for (const c of open) c.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(gone), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
}

/**
 * 1:1 chat through the XMPP gateway: user 2p sends to 2p+1. With XMPP
 * receivers both users of a pair send, as in the native one-to-one
 * scenario; with native receivers only the XMPP user does.
 */
export async function runXmpp(job: XmppJob, emit: Emit): Promise<XmppResult> {
  const all = Array.from({ length: job.pairs * 2 }, (_, i) => i);
  const xmppUsers = job.receivers === "xmpp" ? all : all.filter((u) => u % 2 === 0);
  const nativeUsers = job.receivers === "xmpp" ? [] : all.filter((u) => u % 2 === 1);

  emit({ type: "progress", message: `opening ${xmppUsers.length} XMPP connections (STARTTLS, SCRAM, bind)` });
  const loginStarted = performance.now();
  const xconns = await openXmpp(job, xmppUsers, 50);
  const xmppLoginSec = Math.round(performance.now() - loginStarted) / 1000;
  let nconns: BenchConn[] = [];
  try {
    if (nativeUsers.length > 0) {
      emit({ type: "progress", message: `opening ${nativeUsers.length} native TLS connections` });
      nconns = await openAll({
        transport: "tcp",
        endpoint: job.endpoint,
        users: nativeUsers,
        token: (u) => tokenFor(job.tokenSalt, u),
        concurrency: 50,
        deadlineMs: 60_000,
      });
    }
  } catch (err) {
    await closeXmpp(xconns);
    throw err;
  }
  // Native receivers only listen: pings keep the server's heartbeat check from dropping them.
  const keepalive = new Keepalive(nconns);
  const meter = new Meter();
  const body = escapeXml(Buffer.from(benchText(job.textBytes)).toString("latin1"));
  const senders: (XmppSender | undefined)[] = new Array(all.length).fill(undefined);
  xmppUsers.forEach((u, i) => {
    senders[u] = new XmppSender(u, xconns[i]!, userId(u ^ 1), body, job.window, meter);
  });
  xmppUsers.forEach((u, i) => {
    const c = xconns[i]!;
    const id = { sender: 0, n: 0 };
    c.onMessage = (text, errorCondition) => {
      if (!parseId(text, id)) {
        meter.failures.unreadable++;
        return;
      }
      if (errorCondition !== undefined) {
        if (id.sender === u) senders[u]?.onError(id.n, errorCondition);
      } else if (id.sender !== u) senders[id.sender]?.onDelivered(id.n, performance.now());
    };
    c.onClose = () => {
      meter.failures.disconnects++;
      if (c.streamError) emit({ type: "progress", message: `user ${u}: ${c.streamError}` });
    };
  });
  nconns.forEach((c) => {
    const p = newPeeked();
    const id = { sender: 0, n: 0 };
    c.onFrame = (frame) => {
      if (!peek(frame, p)) meter.failures.unreadable++;
      else if (
        p.kind === 3 &&
        p.body === 1 &&
        parseBenchId(frame, benchIdStart(frame, p.cmidStart, p.cmidEnd), p.cmidEnd, id)
      )
        senders[id.sender]?.onDelivered(id.n, performance.now());
    };
    c.onClose = () => meter.failures.disconnects++;
  });
  try {
    await runClosedLoop(
      senders.filter((s): s is XmppSender => s !== undefined),
      meter,
      job,
      emit,
    );
  } finally {
    keepalive.stop();
    for (const c of xconns) c.onClose = () => {};
    for (const c of nconns) c.onClose = () => {};
    await Promise.all([closeXmpp(xconns), closeAll(nconns)]);
  }
  return {
    scenario: "xmpp",
    receivers: job.receivers,
    xmppConnections: xconns.length,
    nativeConnections: nconns.length,
    xmppLoginSec,
    window: job.window,
    ...meter.figures(),
  };
}

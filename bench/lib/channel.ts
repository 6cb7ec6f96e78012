/**
 * What run.ts and the load-generator child say to each other: one JSON
 * object per line, jobs and commands on the child's stdin, events on its
 * stdout. Kept in one file so both sides agree on the shapes.
 */
import type { Endpoint, Transport } from "../load/connection.js";
import type { LatencySummary } from "../load/latency.js";

interface Timing {
  warmupSec: number;
  durationSec: number;
}

export interface OneToOneJob extends Timing {
  scenario: "one-to-one";
  endpoint: Endpoint;
  /** Where odd-numbered users connect (another node of a cluster), so every message crosses nodes. Default: endpoint. */
  peerEndpoint?: Endpoint;
  tokenSalt: string;
  /** Users 0..2*pairs-1; user 2p talks to 2p+1. */
  pairs: number;
  /** Sends in flight per sender (closed loop). */
  window: number;
  textBytes: number;
}

export interface GroupJob extends Timing {
  scenario: "group";
  endpoint: Endpoint;
  tokenSalt: string;
  /** Users 0..members-1, all in one group created by user 0. */
  members: number;
  /** Users 0..senders-1 send. */
  senders: number;
  window: number;
  textBytes: number;
}

export interface XmppJob extends Timing {
  scenario: "xmpp";
  /** Must carry the XMPP port. */
  endpoint: Endpoint;
  /** Users' passwords and tokens derive from it (users.ts). */
  tokenSalt: string;
  /** Users 0..2*pairs-1; user 2p talks to 2p+1. */
  pairs: number;
  /**
   * "xmpp": both users of a pair on XMPP, both sending. "native": user 2p
   * sends over XMPP to user 2p+1, who listens on the native protocol.
   */
  receivers: "xmpp" | "native";
  /** Sends in flight per sender (closed loop). */
  window: number;
  textBytes: number;
}

export interface IdleJob {
  scenario: "idle";
  endpoint: Endpoint;
  tokenSalt: string;
  transport: Transport;
  connections: number;
  concurrency: number;
  /** Open the connections in this many equal steps, pausing after each for a "continue". */
  steps: number;
}

export type LoadgenJob = OneToOneJob | GroupJob | XmppJob | IdleJob;

/** Failures a scenario saw; any non-zero figure here is a finding, not noise. */
export interface Failures {
  /** Error responses by wire error code (by stanza error condition over XMPP). */
  errorCodes: Record<string, number>;
  /** Sends still unanswered or undelivered when the drain period ended. */
  lost: number;
  /** Connections that closed during the run. */
  disconnects: number;
  /** Frames the generator could not classify. */
  unreadable: number;
}

export interface OneToOneResult {
  scenario: "one-to-one";
  connections: number;
  window: number;
  measuredSec: number;
  /** Stored, acknowledged and delivered to the peer, inside the measured window. */
  completed: number;
  messagesPerSec: number;
  /** Send -> delivery at the peer. */
  latencyMs: LatencySummary;
  loadgenCpuPct: number;
  failures: Failures;
}

export interface GroupResult {
  scenario: "group";
  members: number;
  senders: number;
  window: number;
  measuredSec: number;
  /** Messages acknowledged and delivered to every other member. */
  completed: number;
  messagesPerSec: number;
  /** Pushes received by members other than the sender. */
  deliveries: number;
  deliveriesPerSec: number;
  /** Send -> each delivery. */
  latencyMs: LatencySummary;
  loadgenCpuPct: number;
  failures: Failures;
}

export interface XmppResult {
  scenario: "xmpp";
  receivers: XmppJob["receivers"];
  /** XMPP connections, then native ones. */
  xmppConnections: number;
  nativeConnections: number;
  /** Seconds to open and log in (STARTTLS, SCRAM, bind) every XMPP connection. */
  xmppLoginSec: number;
  window: number;
  measuredSec: number;
  /** Stored and delivered to the peer, inside the measured window (XMPP has no send ack). */
  completed: number;
  messagesPerSec: number;
  /** Send -> delivery at the peer. */
  latencyMs: LatencySummary;
  loadgenCpuPct: number;
  failures: Failures;
}

export interface IdleOpened {
  transport: Transport;
  opened: number;
  failed: number;
  errors: string[];
  openSeconds: number;
}

export type LoadgenEvent =
  | { type: "progress"; message: string }
  /** The measured window starts or ends now (run.ts samples the server's CPU time). */
  | { type: "phase"; phase: "measure-start" | "measure-end" }
  /** One step of idle connections is open (`opened` counts all so far); the child waits for "continue". */
  | { type: "opened"; opened: IdleOpened }
  /** Idle connections are closed; `disconnects` counts those the server dropped while idle. */
  | { type: "closed"; stillOpen: number; disconnects: number }
  | { type: "result"; result: OneToOneResult | GroupResult | XmppResult }
  | { type: "error"; message: string };

/** Idle job: open the next step, or after the last step close everything. */
export type LoadgenCommand = { type: "continue" };

/** Splits a stream into lines and hands each parsed JSON object on. */
export function onJsonLines<T>(
  stream: NodeJS.ReadableStream,
  handle: (msg: T) => void,
  onJunk: (line: string) => void,
): void {
  let buf = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      let msg: T;
      try {
        msg = JSON.parse(line) as T;
      } catch {
        onJunk(line);
        continue;
      }
      handle(msg);
    }
  });
}

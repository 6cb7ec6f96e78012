/**
 * The Metrics port: what the server counts and measures, by name, in one
 * table. The core and the doors report through it; an adapter (Prometheus,
 * in main) exposes it. Without one, nothing is recorded.
 */

export type MetricKind = "counter" | "gauge" | "histogram";

export interface MetricSpec {
  kind: MetricKind;
  help: string;
  labels: readonly string[];
  /** Histogram bucket upper bounds. */
  buckets?: readonly number[];
}

/** Seconds, from a millisecond to ten seconds. */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS = {
  starling_connections: {
    kind: "gauge",
    help: "Open connections by door (native-tcp, native-ws, xmpp-tcp, xmpp-ws, http), logged in or not.",
    labels: ["door"],
  },
  starling_sessions: {
    kind: "gauge",
    help: "Logged-in sessions by door (native-tcp, native-ws, xmpp-tcp, xmpp-ws).",
    labels: ["door"],
  },
  starling_connections_refused_total: {
    kind: "counter",
    help: "Connections and sessions refused by the connection limits, by door and limit (address, unauthenticated, sessions).",
    labels: ["door", "limit"],
  },
  starling_rate_limited_total: {
    kind: "counter",
    help: "Requests or stanzas refused by the request rate limit, by door.",
    labels: ["door"],
  },
  starling_sends_total: {
    kind: "counter",
    help: "Messages sent, by outcome: stored, duplicate (a resend answered from the store), refused (a rule of the core), failed (the store could not write).",
    labels: ["outcome"],
  },
  starling_send_ack_seconds: {
    kind: "histogram",
    help: "From a send entering the queue to its outcome (the ack waits for the commit).",
    labels: [],
    buckets: SECONDS,
  },
  starling_send_batch_size: {
    kind: "histogram",
    help: "Sends stored by one group-commit transaction.",
    labels: [],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  },
  starling_deliveries_total: {
    kind: "counter",
    help: "Pushes (messages, receipts, typing, presence...) handed to this node's sessions, by door.",
    labels: ["door"],
  },
  starling_store_transaction_seconds: {
    kind: "histogram",
    help: "Duration of write transactions of the store, commit and fsync included, by outcome (committed, failed).",
    labels: ["outcome"],
    buckets: SECONDS,
  },
  starling_store_write_errors_total: {
    kind: "counter",
    help: "Write transactions that failed, by cause: the store's error code when the store cannot write (SQLITE_FULL, 53100...), or statement.",
    labels: ["cause"],
  },
  starling_store_up: {
    kind: "gauge",
    help: "1 while the store can write, 0 during a write failure episode.",
    labels: [],
  },
  starling_bus_up: {
    kind: "gauge",
    help: "1 while the cluster bus is connected (always 1 on a single node).",
    labels: [],
  },
  starling_bus_errors_total: {
    kind: "counter",
    help: "Cluster bus failures, by kind: disconnect (the link went down), dropped (a publish not sent).",
    labels: ["kind"],
  },
  starling_login_failures_total: {
    kind: "counter",
    help: "Failed logins of every door (wrong user id, password or SCRAM proof).",
    labels: [],
  },
  starling_login_lockouts_total: {
    kind: "counter",
    help: "Lockouts started by failed logins, by scope (account-address: one account from one address; address; account).",
    labels: ["scope"],
  },
  starling_login_refused_locked_total: {
    kind: "counter",
    help: "Logins refused because the account or the address is locked out.",
    labels: [],
  },
  starling_upload_bytes_total: {
    kind: "counter",
    help: "Bytes of files stored from uploads (single requests and finished resumable uploads).",
    labels: [],
  },
  starling_uploads_total: {
    kind: "counter",
    help: "Files stored from uploads.",
    labels: [],
  },
  starling_federation_frames_sent_total: {
    kind: "counter",
    help: "Federation frames sent to a peer domain (resends after a reconnect included).",
    labels: ["peer"],
  },
  starling_federation_frames_received_total: {
    kind: "counter",
    help: "Federation frames received from a peer domain, by outcome: applied, duplicate (applied before, acknowledged again).",
    labels: ["peer", "outcome"],
  },
  starling_federation_refused_total: {
    kind: "counter",
    help: "Federation connections or frames refused, by claimed peer and reason (not_linked, suspended, bad_certificate, domain_mismatch, seq_gap, unknown_kind, too_large, rate_limited, bad_frame, handshake_timeout; and for direct messages acknowledged and dropped: forged_sender, not_local, not_allowed, bad_message).",
    labels: ["peer", "reason"],
  },
  starling_federation_queue_depth: {
    kind: "gauge",
    help: "Frames queued for a peer domain and not yet acknowledged, as last seen by this node's sender.",
    labels: ["peer"],
  },
  starling_federation_link_up: {
    kind: "gauge",
    help: "1 while this node's outbound link to a peer domain is connected and past the handshake.",
    labels: ["peer"],
  },
  starling_push_total: {
    kind: "counter",
    help: "Push notification attempts by provider and outcome: ok, dead_token, rate_limited, retryable, rejected (the provider's answers), gave_up (retries exhausted), dropped (the queue was full).",
    labels: ["provider", "outcome"],
  },
  starling_push_dropped_total: {
    kind: "counter",
    help: "Stored messages not considered for push notifications because the push queue was full.",
    labels: [],
  },
  starling_push_queue_depth: {
    kind: "gauge",
    help: "Messages waiting to be considered for push, and notifications waiting for or in flight to their provider.",
    labels: [],
  },
  starling_push_seconds: {
    kind: "histogram",
    help: "Duration of one request to a push provider, by provider.",
    labels: ["provider"],
    buckets: SECONDS,
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;
type OfKind<K extends MetricKind> = {
  [N in MetricName]: (typeof METRICS)[N]["kind"] extends K ? N : never;
}[MetricName];
export type CounterName = OfKind<"counter">;
export type GaugeName = OfKind<"gauge">;
export type HistogramName = OfKind<"histogram">;
export type MetricLabels = Readonly<Record<string, string>>;

export interface Metrics {
  /** Adds `by` (1) to a counter. */
  inc(name: CounterName, labels?: MetricLabels, by?: number): void;
  /** Moves a gauge up or down by `by`. */
  add(name: GaugeName, by: number, labels?: MetricLabels): void;
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
  /** A gauge read when the metrics are collected rather than kept up to date. */
  track(name: GaugeName, read: () => number): void;
}

/** Records nothing: the default wherever no adapter is given. */
export const NO_METRICS: Metrics = {
  inc() {},
  add() {},
  observe() {},
  track() {},
};

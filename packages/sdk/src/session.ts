import {
  type Conversation,
  create,
  ErrorCode,
  type Message,
  MessageSchema,
  type Push,
  type SendAck,
  StarlingError,
  type Welcome,
} from "@starling/protocol";
import { Backoff, type BackoffOptions } from "./backoff.js";
import { asError, ConnectionClosedError, SendCancelledError } from "./client-errors.js";
import { Connection, type RequestBody } from "./connection.js";
import { ConversationCache } from "./conversation-cache.js";
import { Credentials, isTokenRejected } from "./credentials.js";
import { DeliveredBatcher } from "./delivered-batcher.js";
import type { Emitter } from "./emitter.js";
import { toFavourite } from "./favourites.js";
import { Gate } from "./gate.js";
import { buildHello } from "./hello.js";
import { randomId } from "./ids.js";
import { Inbox } from "./inbox.js";
import type { ClientOptions } from "./options.js";
import { Requester, type ResultOf } from "./requester.js";
import { Sender, type SendMessageInit } from "./sender.js";
import { toNumber, toWire } from "./seq.js";
import { Supervisor } from "./supervisor.js";
import { SyncRunner } from "./sync-runner.js";
import { type SyncState, validateSyncState } from "./sync-state.js";
import { sleep, systemTimers, type Timers } from "./timers.js";
import type { TransportClose, TransportFactory } from "./transport.js";
import type { ClientState, SendInput, SendState, StarlingClientEvents } from "./types.js";
import { webSocketTransportFactory } from "./websocket-transport.js";

interface Waiter {
  resolve(welcome: Welcome): void;
  reject(err: Error): void;
}

const DELIVERED_BATCH_MS = 100;
const SYNC_SOON_MS = 50;
const CLOSE_FLUSH_MS = 1000;
const DEFAULT_SYNC_INTERVAL_MS = 5 * 60_000;
/** A sync hint's pass starts within this long, at random. */
const SYNC_HINT_SPREAD_MS = 1000;

/**
 * The machinery behind StarlingClient: keeps a connection up, resends
 * unacknowledged messages exactly once and in order, and hands every message
 * to the app once, in seq order, pulling whatever a push missed by seq.
 */
export class Session {
  readonly cache = new ConversationCache();
  readonly credentials: Credentials;
  readonly requester: Requester;
  private readonly requestTimeoutMs: number;
  private readonly emitter: Emitter<StarlingClientEvents>;
  private readonly timers: Timers;
  private readonly transport: TransportFactory;
  private readonly options: ClientOptions;
  private readonly gate: Gate<Connection>;
  private readonly sender: Sender<SendInput>;
  private readonly inbox: Inbox;
  private readonly syncRunner: SyncRunner;
  private readonly batcher: DeliveredBatcher;
  private readonly supervisor: Supervisor;
  private readonly passRetry: Backoff;
  private readonly deviceId: string;
  private conn: Connection | null = null;
  private current: ClientState = "closed";
  private welcomeMsg: Welcome | null = null;
  /** The login must set a new password before the server answers anything else: sync waits for it. */
  private passwordPending = false;
  private waiters: Waiter[] = [];
  private ended: Error | null = null;
  private syncTimer: unknown = null;
  private syncDueAt = 0;
  /** Settles once the last shutdown released its socket. */
  private closing: Promise<void> = Promise.resolve();
  /** Counts connect() calls that started the supervisor. */
  private runs = 0;
  /** Set while logging out, so the server's LOGGED_OUT close is no error. */
  loggingOut = false;

  constructor(options: ClientOptions, emitter: Emitter<StarlingClientEvents>) {
    if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
      throw new StarlingError(ErrorCode.INVALID_ARGUMENT, "endpoints must list at least one URL");
    }
    const state = options.state === undefined ? undefined : validateSyncState(options.state);
    const retry: BackoffOptions = options.reconnect === false ? {} : (options.reconnect ?? {});
    this.options = options;
    this.timers = options.timers ?? systemTimers;
    this.transport = options.transport ?? webSocketTransportFactory;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.deviceId = options.device?.deviceId ?? randomId();
    this.emitter = emitter;
    this.credentials = new Credentials(options.auth);
    this.gate = new Gate(this.timers);
    this.requester = new Requester(this.gate, this.timers, this.requestTimeoutMs);
    this.passRetry = new Backoff(retry);
    this.sender = new Sender({
      maxInflight: Math.max(1, options.maxSendsInFlight ?? 32),
      retry,
      timers: this.timers,
      onAck: (ack, sent) => {
        this.inbox.noteConversation(ack.conversationId);
        // The server echoes a send to the sender's other sessions, not to
        // this one: the ack and what was sent make this device's copy.
        this.inbox.push(
          create(MessageSchema, {
            conversationId: ack.conversationId,
            seq: ack.seq,
            senderId: this.userId,
            clientMsgId: sent.clientMsgId,
            serverTime: ack.serverTime,
            // What the server filled in (names, sizes, dimensions) replaces what was sent.
            content:
              sent.content && ack.attachments.length > 0
                ? { ...sent.content, attachments: ack.attachments }
                : sent.content,
          }),
        );
      },
      onChange: () => this.emitter.emit("sends", this.sender.states()),
    });
    this.inbox = new Inbox({
      seen: state?.seen ?? {},
      fresh: state === undefined,
      catchUpFromStart: options.catchUpFromStart ?? false,
      fetchHistory: (conversationId, after, limit) =>
        this.wire(
          { case: "getHistory", value: { conversationId, afterSeq: toWire(after), limit } },
          "history",
        ),
      deliver: (messages) => this.deliver(messages),
      onError: (err) => this.emitter.emit("error", err),
      retry,
      timers: this.timers,
    });
    this.syncRunner = new SyncRunner({
      cursor: state?.cursor ?? 0,
      pageLimit: options.syncPageLimit ?? 200,
      fetch: (cursor, limit) => this.wire({ case: "sync", value: { cursor: toWire(cursor), limit } }, "sync"),
      learned: (conversation) => this.learned(conversation),
      inbox: this.inbox,
    });
    this.batcher = new DeliveredBatcher(DELIVERED_BATCH_MS, this.timers, async (conversationId, seq) => {
      await this.requester.call(
        { case: "markDelivered", value: { conversationId, seq: toWire(seq) } },
        "idempotent",
      );
    });
    this.supervisor = new Supervisor({
      endpoints: options.endpoints,
      reconnect: options.reconnect ?? {},
      timers: this.timers,
      open: (endpoint, onClose, signal) => this.open(endpoint, onClose, signal),
      connected: (conn) => this.connected(conn),
      disconnected: (conn) => this.disconnected(conn),
      fatal: (err) => this.fatal(err),
    });
  }

  get state(): ClientState {
    return this.current;
  }

  get userId(): string {
    return this.welcomeMsg?.userId ?? "";
  }

  /**
   * Connects and resolves once online: logged in and caught up. Rejects if
   * no endpoint can be reached in a first round, or login is refused.
   */
  connect(): Promise<Welcome> {
    if (this.current === "online" && this.welcomeMsg !== null) return Promise.resolve(this.welcomeMsg);
    const promise = new Promise<Welcome>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.current === "closed") {
      this.ended = null;
      this.loggingOut = false;
      this.gate.reset();
      this.setState("connecting");
      const run = ++this.runs;
      this.supervisor.start().catch((err) => {
        // A start cut short by close() must not end a later connect().
        if (run === this.runs && this.current !== "closed") this.fatal(asError(err));
      });
    }
    return promise;
  }

  /** Closes the connection. Pending sends and requests fail with a retryable ConnectionClosedError. */
  async close(): Promise<void> {
    if (this.current === "closed") return this.closing;
    if (this.conn !== null) {
      const stop = new AbortController();
      await Promise.race([
        this.batcher.flush(),
        sleep(this.timers, CLOSE_FLUSH_MS, stop.signal).catch(() => {}),
      ]);
      stop.abort();
    }
    const err = new ConnectionClosedError(0, "client closed");
    const closing = this.shutdown(err);
    this.settleWaiters(err);
    this.setState("closed");
    await closing;
  }

  /** Queues a send; see StarlingClient.send. */
  send(clientMsgId: string, input: SendInput, message: SendMessageInit): Promise<SendAck> {
    if (this.ended !== null) return Promise.reject(this.ended);
    return this.sender.send(clientMsgId, input, message);
  }

  /** Sends not yet acknowledged, in order, each with its clientMsgId (to persist and resend later). */
  pendingSends(): SendInput[] {
    return this.sender.pending();
  }

  /** Sends not yet acknowledged, with where each stands; see StarlingClient.sendStates. */
  sendStates(): SendState[] {
    return this.sender.states();
  }

  /** Withdraws a send never transmitted; see StarlingClient.cancelSend. */
  cancelSend(clientMsgId: string): boolean {
    return this.sender.cancel(clientMsgId, new SendCancelledError(clientMsgId));
  }

  /** Runs a sync pass now (catching up every changed conversation); resolves with what changed. */
  async sync(): Promise<Conversation[]> {
    for (;;) {
      await this.gate.wait(this.requestTimeoutMs);
      try {
        return await this.syncRunner.run();
      } catch (err) {
        if (!(err instanceof ConnectionClosedError) || err.fatal) throw err;
      }
    }
  }

  /** A conversation this client just created: its messages are wanted from seq 1. */
  noteConversation(conversationId: string): void {
    this.inbox.noteConversation(conversationId);
  }

  /** Fetches one conversation again (another device changed the user's settings of it). */
  private refreshConversation(conversationId: string): void {
    void this.requester
      .expect({ case: "getConversation", value: { conversationId } }, "idempotent", "conversation")
      .then((c) => this.learned(c))
      .catch(() => {
        // The next sync pass brings it.
      });
  }

  /** Takes a server copy of a conversation into the cache and tells the app. */
  learned(conversation: Conversation): void {
    this.cache.put(conversation);
    this.emitter.emit("conversation", conversation);
  }

  /** The device state to store and pass back as `options.state` next run. */
  syncState(): SyncState {
    return { cursor: this.syncRunner.cursor, seen: this.inbox.seen() };
  }

  /** A request on the current connection only, for the client's own catch-up. */
  private async wire<R extends "history" | "sync">(body: RequestBody, kind: R): Promise<ResultOf<R>> {
    const conn = this.conn;
    if (conn === null) throw new ConnectionClosedError(0, "not connected");
    const res = await conn.request(body, this.requestTimeoutMs);
    if (res.case !== kind) throw new Error(`expected ${kind} in answer to ${body.case}, got ${res.case}`);
    return res.value as ResultOf<R>;
  }

  private async open(
    endpoint: string,
    onClose: (info: TransportClose) => void,
    signal: AbortSignal,
  ): Promise<Connection> {
    const attempt = () =>
      Connection.open({
        transport: this.transport(endpoint),
        hello: buildHello(
          this.options.device ?? {},
          this.deviceId,
          this.options.compressor,
          this.credentials.auth(),
        ),
        ...(this.options.compressor ? { compressor: this.options.compressor } : {}),
        timeoutMs: this.options.connectTimeoutMs ?? 10_000,
        signal,
        timers: this.timers,
        onPush: (push) => this.onPush(push),
        onClose,
      });
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted || !this.credentials.canFallBack || !isTokenRejected(err)) throw err;
      // An expired token is no reason to give up while the password is at hand.
      this.credentials.forgetToken();
      return await attempt();
    }
  }

  private connected(conn: Connection): void {
    this.conn = conn;
    this.welcomeMsg = conn.welcome;
    this.passwordPending = conn.welcome.mustChangePassword;
    this.credentials.welcomed(conn.welcome);
    // Unacknowledged sends go first, ahead of anything the app sends from now on.
    this.sender.attach(conn);
    this.gate.open(conn);
    conn.activate();
    void this.runPass(conn);
  }

  private disconnected(conn: Connection): void {
    if (conn !== this.conn) return;
    this.conn = null;
    this.gate.shut();
    this.sender.detach();
    this.batcher.cancel();
    if (this.current === "online") this.setState("reconnecting");
  }

  private fatal(err: Error): void {
    if (this.current === "closed") return;
    void this.shutdown(err);
    const quiet = this.loggingOut;
    const told = this.settleWaiters(err);
    this.setState("closed");
    if (!quiet && !told) this.emitter.emit("error", err);
  }

  /** Stops everything; resolves once the socket is closed. */
  private shutdown(err: Error): Promise<void> {
    this.ended = err;
    const stopped = this.supervisor.stop();
    this.gate.fail(err);
    this.sender.failAll(err);
    this.inbox.stop();
    this.batcher.cancel();
    if (this.syncTimer !== null) this.timers.clearTimeout(this.syncTimer);
    this.syncTimer = null;
    const conn = this.conn;
    this.conn = null;
    this.closing = Promise.all([stopped, conn?.close()]).then(() => {});
    return this.closing;
  }

  /** Rejects pending connect() calls; returns whether there were any. */
  private settleWaiters(err: Error): boolean {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
    return waiters.length > 0;
  }

  /** A sync pass for a new connection; the client is online once it has caught up. */
  private async runPass(conn: Connection): Promise<void> {
    // Until a new password is set every sync would be refused; passwordChanged() runs the pass.
    if (this.passwordPending) {
      this.online(conn);
      return;
    }
    try {
      await this.syncRunner.run();
      this.passRetry.reset();
    } catch (err) {
      if (conn !== this.conn || err instanceof ConnectionClosedError) return;
      // The link works but the server could not sync: be online, try again later.
      this.emitter.emit("error", asError(err));
      this.syncSoon(this.passRetry.next());
    }
    if (conn !== this.conn) return;
    // Pushes are an optimisation: a push lost without the connection
    // dropping (a cluster bus hiccup) is still found by the next sync.
    const every = this.options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    if (every > 0) this.syncSoon(every);
    void this.batcher.flush();
    this.online(conn);
  }

  private online(conn: Connection): void {
    if (this.current === "online") return;
    this.supervisor.stable();
    this.setState("online");
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve(conn.welcome);
  }

  /** The new password is set: the server answers everything now, so catch up. */
  passwordChanged(): void {
    if (!this.passwordPending) return;
    this.passwordPending = false;
    if (this.welcomeMsg !== null) this.welcomeMsg.mustChangePassword = false;
    const conn = this.conn;
    if (conn !== null) void this.runPass(conn);
  }

  /** Runs a pass after delayMs, unless one is already due sooner. */
  private syncSoon(delayMs = SYNC_SOON_MS): void {
    if (this.current === "closed") return;
    const due = this.timers.now() + delayMs;
    if (this.syncTimer !== null) {
      if (this.syncDueAt <= due) return;
      this.timers.clearTimeout(this.syncTimer);
    }
    this.syncDueAt = due;
    this.syncTimer = this.timers.setTimeout(() => {
      this.syncTimer = null;
      const conn = this.conn;
      if (conn !== null) void this.runPass(conn);
    }, delayMs);
  }

  private onPush(push: Push): void {
    switch (push.body.case) {
      case "message":
        this.inbox.push(push.body.value);
        break;
      case "receipt":
        this.cache.applyReceipt(push.body.value, this.userId);
        this.emitter.emit("receipt", push.body.value);
        break;
      case "typing":
        this.emitter.emit("typing", push.body.value);
        break;
      case "presence":
        this.emitter.emit("presence", push.body.value);
        break;
      case "directoryChanged":
        this.emitter.emit("directoryChanged", { version: Number(push.body.value.version) });
        break;
      case "conversationChanged":
        this.refreshConversation(push.body.value.conversationId);
        break;
      case "settingsChanged":
        this.emitter.emit("settings", push.body.value);
        break;
      case "favouritesChanged": {
        const { added, removedId } = push.body.value;
        this.emitter.emit("favouritesChanged", {
          ...(added ? { added: toFavourite(added) } : {}),
          ...(removedId ? { removedId } : {}),
        });
        break;
      }
      case "syncHint":
        // Every device of a node hears this at once: spread their passes out.
        this.syncSoon(SYNC_SOON_MS + Math.floor(Math.random() * SYNC_HINT_SPREAD_MS));
        break;
    }
  }

  private deliver(messages: Message[]): void {
    const me = this.userId;
    for (const message of messages) {
      const cached = this.cache.applyMessage(message, me);
      this.cache.applyChange(message);
      this.emitter.emit("message", message);
      const kind = message.event?.kind;
      if (kind?.case === "messageEdited") {
        const { targetSeq: seq, by, content, editedAt } = kind.value;
        this.emitter.emit("messageEdited", {
          conversationId: message.conversationId,
          seq,
          by,
          content,
          editedAt,
        });
      } else if (kind?.case === "reactionChanged") {
        const { targetSeq: seq, by: userId, emoji, added } = kind.value;
        this.emitter.emit("reaction", { conversationId: message.conversationId, seq, userId, emoji, added });
      }
      // Group events change the conversation itself (edits and reactions change a message only);
      // a message for an unknown conversation means a new one. Sync fetches its details.
      const changesConversation =
        message.event !== undefined && kind?.case !== "messageEdited" && kind?.case !== "reactionChanged";
      if (!cached || changesConversation) this.syncSoon();
      if (this.options.autoDelivered !== false && message.senderId !== me) {
        this.batcher.note(message.conversationId, toNumber(message.seq));
      }
    }
  }

  private setState(state: ClientState): void {
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit("state", state);
  }
}

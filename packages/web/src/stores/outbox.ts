import {
  type SendAck,
  SendCancelledError,
  type SendInput,
  type SendState,
  type StarlingClient,
} from "@starling/sdk";
import type { KeyValueStorage } from "./environment.js";
import type { Session } from "./session.js";
import { Store } from "./store.js";

const PREFIX = "starling.outbox.";

/**
 * A message written here and not acknowledged yet, as the chat shows it
 * below the stored messages. "queued": waiting for the connection (or its
 * turn); "sending": on the wire, waiting for the ack; "failed": the server
 * refused it and will not change its mind by itself (retry or discard).
 */
export interface Outgoing {
  clientMsgId: string;
  /** The chat it shows in (a 1:1 draft's id before the conversation exists). */
  conversationId: string;
  input: SendInput;
  state: "queued" | "sending" | "failed";
  /** Never transmitted, so cancelling it guarantees it is never stored. */
  cancellable: boolean;
  error?: string;
}

/** What is kept in storage: SendInput's bigint reply seq as a string. */
type Saved = Omit<Outgoing, "input"> & { input: Omit<SendInput, "replyToSeq"> & { replyToSeq?: string } };

/**
 * The user's unacknowledged sends, so that a message written offline shows
 * at once (instead of only when the connection returns) and survives a
 * reload. The SDK's queue does the sending and keeps each send's
 * client_msg_id; this store mirrors it per chat, keeps it in storage per
 * user, and after a reload hands what was left back to the SDK under the
 * same client_msg_ids, so something the server did store before the reload
 * is acknowledged again, not stored twice. Refused sends stay as "failed"
 * until retried or discarded.
 */
export class Outbox extends Store {
  private owner = "";
  private items: Outgoing[] = [];
  /** Sends written while offline, before any client: settled when a client takes them. */
  private readonly waiting = new Map<string, { resolve(ack: SendAck): void; reject(err: unknown): void }>();

  constructor(
    private readonly session: Session,
    private readonly storage: KeyValueStorage,
    private readonly randomId: () => string,
  ) {
    super();
  }

  /** A chat's unacknowledged sends, in the order they were made. */
  pending(conversationId: string): Outgoing[] {
    // Offline after a reload, what the last page left shows before any client restores it.
    this.load();
    return this.items.filter((i) => i.conversationId === conversationId);
  }

  /**
   * Sends through the SDK, showing the message as queued until its ack
   * arrives. Offline (no client yet), it is kept here and handed to the
   * client that logs in.
   */
  send(conversationId: string, input: SendInput): Promise<SendAck> {
    const client = this.session.client;
    const offline = !client && this.session.phase === "offline";
    if (!client && !offline) return Promise.reject(new Error("signed out"));
    this.load();
    const item: Outgoing = {
      clientMsgId: input.clientMsgId ?? this.randomId(),
      conversationId,
      input,
      state: "queued",
      cancellable: true,
    };
    item.input = { ...input, clientMsgId: item.clientMsgId };
    this.items.push(item);
    this.save();
    if (client) return this.hand(client, item);
    return new Promise((resolve, reject) => this.waiting.set(item.clientMsgId, { resolve, reject }));
  }

  /**
   * Withdraws a send: a failed one is discarded; a queued one is taken back
   * from the SDK if it was never transmitted (else it stays and its ack will
   * come). Whether it is gone.
   */
  cancel(clientMsgId: string): boolean {
    const item = this.items.find((i) => i.clientMsgId === clientMsgId);
    if (!item) return false;
    if (item.state === "failed") {
      this.drop(item);
      return true;
    }
    // Written offline and never handed to a client: nothing of it has left the device.
    const waiter = this.waiting.get(clientMsgId);
    if (waiter) {
      this.waiting.delete(clientMsgId);
      this.drop(item);
      waiter.reject(new SendCancelledError(clientMsgId));
      return true;
    }
    // The SDK rejects its promise with SendCancelledError, which drops the item.
    return this.session.client?.cancelSend(clientMsgId) ?? false;
  }

  /** Sends a failed message again, under the same client_msg_id. */
  retry(clientMsgId: string): void {
    const client = this.session.client;
    const item = this.items.find((i) => i.clientMsgId === clientMsgId);
    if (!client || !item || item.state !== "failed") return;
    item.state = "queued";
    delete item.error;
    this.save();
    void this.hand(client, item).catch(() => {});
  }

  /** The SDK's queue changed: its states replace ours. */
  sendsChanged(states: readonly SendState[]): void {
    const byId = new Map(states.map((s) => [s.clientMsgId, s]));
    let moved = false;
    for (const item of this.items) {
      const s = byId.get(item.clientMsgId);
      if (!s || (s.state === item.state && s.cancellable === item.cancellable)) continue;
      item.state = s.state;
      item.cancellable = s.cancellable;
      moved = true;
    }
    if (moved) this.save();
  }

  /**
   * Logged in: what an earlier page of this user left unacknowledged goes
   * to the SDK again. It may have gone out before, so it is not cancellable.
   */
  restore(client: StarlingClient): void {
    this.load();
    const queued = new Set(client.pendingSends().map((s) => s.clientMsgId));
    for (const item of this.items) {
      if (item.state === "failed" || queued.has(item.clientMsgId)) continue;
      const waiter = this.waiting.get(item.clientMsgId);
      this.waiting.delete(item.clientMsgId);
      // Written offline on this page: it never went out, so it may still be cancelled.
      item.state = "queued";
      item.cancellable = waiter !== undefined;
      const sent = this.hand(client, item);
      if (waiter) sent.then(waiter.resolve, waiter.reject);
      else sent.catch(() => {});
    }
    this.changed();
  }

  /** Signed out: this user's unsent messages are forgotten, here and in storage. */
  reset(): void {
    const user = this.owner || this.session.userId;
    if (user) this.storage.removeItem(PREFIX + user);
    this.owner = "";
    this.items = [];
    for (const [id, w] of this.waiting) w.reject(new SendCancelledError(id));
    this.waiting.clear();
    this.changed();
  }

  private hand(client: StarlingClient, item: Outgoing): Promise<SendAck> {
    const sent = client.send(item.input);
    sent.then(
      () => this.drop(item),
      (err: unknown) => {
        if (err instanceof SendCancelledError) this.drop(item);
        // The client closed (a reload, another login): kept for the next one.
        else if (!this.session.owns(client) || client.state === "closed") return;
        else {
          item.state = "failed";
          item.cancellable = false;
          item.error = err instanceof Error ? err.message : String(err);
          this.save();
        }
      },
    );
    return sent;
  }

  private drop(item: Outgoing): void {
    const i = this.items.indexOf(item);
    if (i < 0) return;
    this.items.splice(i, 1);
    this.save();
  }

  private load(): void {
    const user = this.session.userId;
    if (user === this.owner) return;
    this.owner = user;
    this.items = [];
    try {
      const saved = JSON.parse(this.storage.getItem(PREFIX + user) ?? "[]") as Saved[];
      for (const s of Array.isArray(saved) ? saved : []) {
        if (typeof s?.clientMsgId !== "string" || typeof s.conversationId !== "string") continue;
        const { replyToSeq, ...rest } = s.input ?? {};
        this.items.push({
          ...s,
          input: { ...rest, ...(replyToSeq ? { replyToSeq: BigInt(replyToSeq) } : {}) },
        });
      }
    } catch {
      // A damaged entry is dropped; the next send writes a fresh one.
    }
  }

  private save(): void {
    const key = PREFIX + this.owner;
    if (this.owner) {
      if (this.items.length === 0) this.storage.removeItem(key);
      else {
        const saved: Saved[] = this.items.map(({ input, ...rest }) => {
          const { replyToSeq, ...plain } = input;
          return {
            ...rest,
            input: { ...plain, ...(replyToSeq !== undefined ? { replyToSeq: String(replyToSeq) } : {}) },
          };
        });
        this.storage.setItem(key, JSON.stringify(saved));
      }
    }
    this.changed();
  }
}

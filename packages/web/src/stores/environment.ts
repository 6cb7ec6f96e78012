import type { TransportFactory } from "@starling/sdk";
import type { OfflineStore } from "./offline-cache.js";
import type { PushSubscriber } from "./push-subscriber.js";

/** The part of `localStorage` the stores use. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A desktop notification for a message: who it is from, its text, and the chat it belongs to. */
export interface Notice {
  title: string;
  body: string;
  conversationId: string;
}

/**
 * What the stores need from the platform they run on, handed to them by
 * whoever creates them: the browser (`browser-environment.ts`) or a test in
 * Node. Nothing in `stores/` reaches for a browser global itself.
 */
export interface Environment {
  /** Where the session token and the device id are kept between visits. */
  storage: KeyValueStorage;
  /** The native protocol's WebSocket endpoint, e.g. `wss://im.example.com/ws`. */
  endpoint: string;
  /** Prefix of HTTP API paths: "" for the page's own origin, or e.g. `http://127.0.0.1:8080`. */
  apiBase: string;
  /** Opens the connection to `endpoint`. */
  transport: TransportFactory;
  /** A fresh random id (the device id is made from one). */
  randomId(): string;
  /** The time in milliseconds (the typing indicator's expiry); Date.now when not given. */
  now?(): number;
  /** Shows a message from someone else to a user who is not looking; the platform decides whether it can. */
  notify?(notice: Notice): void;
  /** How this client names itself in the user's list of sessions ("Starling Web · Chrome on Linux"). */
  clientName?: string;
  /** Plays the short notification sound for such a message, where the platform can. */
  chime?(): void;
  /** Where the last conversations and messages are kept to open without a connection; none: online only. */
  offline?: OfflineStore;
  /**
   * Calls `listener` when the network may be back (the browser went online,
   * the page became visible again), so an offline session tries at once
   * instead of at its next retry; returns the function that stops it.
   */
  watchNetwork?(listener: () => void): () => void;
  /** This browser's Web Push subscription; none where there is no push service. */
  push?: PushSubscriber;
}

import type { StarlingClient } from "./client.js";
import { CoalescingRunner } from "./coalescing-runner.js";
import { randomId } from "./ids.js";
import type { ClientOptions } from "./options.js";
import { type SyncState, validateSyncState } from "./sync-state.js";
import type { SendInput } from "./types.js";

/**
 * Where an app keeps the device's state between runs, in the shape of React Native's
 * AsyncStorage (which fits as it is), or any other key-value store with promises.
 */
export interface DeviceStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** What is kept: who is logged in, with which token, how far sync got, what was not yet sent. */
export interface StoredDevice {
  deviceId: string;
  userId?: string;
  token?: string;
  syncState?: SyncState;
  /** Sends not acknowledged when last saved, each with its clientMsgId, to resend exactly once. */
  outbox: SendInput[];
}

/**
 * A client's device state kept in a DeviceStorage: `load` before creating the client (its
 * token, sync state and device id go into ClientOptions), `track` once it exists. Saves are
 * serialised and coalesced (one in flight, one more queued), so a burst of messages costs two
 * writes; a save lost to a crash only means the next start syncs from a little further back,
 * since the server's change stream and seqs make sync idempotent.
 */
export class DeviceState {
  private current: StoredDevice = { deviceId: "", outbox: [] };
  private readonly saver: CoalescingRunner<void>;

  constructor(
    private readonly storage: DeviceStorage,
    private readonly key = "starling.device",
    /** Told when storage fails (the state stays in memory and the next save tries again). */
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.saver = new CoalescingRunner(() => this.storage.setItem(this.key, JSON.stringify(this.current)));
  }

  /** Reads the stored state; a device seen for the first time gets a new id, kept from now on. */
  async load(): Promise<StoredDevice> {
    const text = await this.storage.getItem(this.key);
    let stored: Partial<StoredDevice> = {};
    try {
      stored = text ? (JSON.parse(text) as Partial<StoredDevice>) : {};
    } catch {
      // A damaged entry is a new device: the server still has everything.
    }
    const syncState = stored.syncState ? safeSyncState(stored.syncState) : undefined;
    this.current = {
      deviceId: typeof stored.deviceId === "string" && stored.deviceId ? stored.deviceId : randomId(),
      outbox: Array.isArray(stored.outbox) ? stored.outbox : [],
      ...(typeof stored.userId === "string" ? { userId: stored.userId } : {}),
      ...(typeof stored.token === "string" && stored.token ? { token: stored.token } : {}),
      ...(syncState ? { syncState } : {}),
    };
    if (!text) await this.save();
    return this.current;
  }

  /** The options that resume this device: its id, its stored sync state and, if kept, its token. */
  clientOptions(): Pick<ClientOptions, "device" | "state"> & { auth?: { token: string } } {
    const c = this.current;
    return {
      device: { deviceId: c.deviceId },
      ...(c.syncState ? { state: c.syncState } : {}),
      ...(c.token ? { auth: { token: c.token } } : {}),
    };
  }

  /**
   * Keeps `client`'s token, sync state and unacknowledged sends stored as they change, and
   * forgets the login when the client is logged out. Returns a function that stops tracking.
   */
  track(client: StarlingClient): () => void {
    const update = () => {
      const token = client.token;
      this.current = {
        ...this.current,
        syncState: client.syncState(),
        ...(token ? { token, userId: client.userId } : {}),
      };
      if (!token && client.state === "closed") {
        delete this.current.token;
        delete this.current.userId;
      }
      void this.save();
    };
    const offs = [
      client.on("state", update),
      client.on("message", update),
      client.on("conversation", update),
      client.on("sends", (sends) => {
        this.current = {
          ...this.current,
          outbox: sends.map((s) => ({ ...s.input, clientMsgId: s.clientMsgId })),
        };
        void this.save();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** Sends again what was stored unacknowledged; the same clientMsgIds make each count once. */
  resendOutbox(client: StarlingClient): Promise<unknown[]> {
    const pending = this.current.outbox;
    return Promise.all(pending.map((input) => client.send(input).catch((err: unknown) => err)));
  }

  /** Forgets the login and everything of the account, keeping only the device id. */
  async clear(): Promise<void> {
    this.current = { deviceId: this.current.deviceId, outbox: [] };
    await this.save();
  }

  private save(): Promise<void> {
    return this.saver.run().catch(this.onError);
  }
}

function safeSyncState(value: SyncState): SyncState | undefined {
  try {
    return validateSyncState(value);
  } catch {
    return undefined;
  }
}

import { activate, type ClientState, StarlingClient, StarlingError } from "@starling/sdk";
import type { Environment } from "./environment.js";
import { Store } from "./store.js";

const SESSION_KEY = "starling.session";
const DEVICE_KEY = "starling.device";

/** "offline": signed in on this device, but the server could not be reached; what was saved is shown. */
export type Phase = "signedOut" | "connecting" | "offline" | ClientState;

/** Waits between tries to reach the server while offline: doubling from the first to the last. */
const OFFLINE_RETRY_FIRST_MS = 1000;
const OFFLINE_RETRY_MOST_MS = 15_000;
/** The longest sign-out waits for what is undone on the server first (the push device). */
const SIGNING_OUT_MOST_MS = 3000;

export interface SavedSession {
  token: string;
  userId: string;
}

/** What the root does when a client comes and goes (wiring its events into the other stores). */
export interface SessionHooks {
  /** A new client, before it connects: its events can be listened to. */
  started(client: StarlingClient): void;
  /** The client has logged in. */
  connected(client: StarlingClient): void;
  /** The user has signed out: everything of theirs is forgotten. */
  ended(): void;
  /** A saved session could not reach the server: the app opens on what this device saved for the user. */
  offline(userId: string): void;
  /** Signing out, while the login still works: what must be undone on the server first. */
  signingOut(client: StarlingClient): Promise<void>;
}

/**
 * The signed-in session around one SDK client: the phase the screen shows,
 * who is signed in, and the token kept in storage so a reload stays logged
 * in. The other stores reach the server through `client`.
 */
export class Session extends Store {
  phase: Phase = "signedOut";
  userId = "";
  /** The longest message text the server accepts, from its Welcome (older servers send none). */
  maxTextLength = 16384;
  /** How long after sending one may edit a message, from the Welcome; 0: no limit. */
  editWindowMs = 0;
  /** The server's Web Push key (Welcome.webpush_public_key) when it delivers through "webpush"; "" when not. */
  webPushKey = "";
  /**
   * The account logged in with an initial (imported or reset) password and
   * must choose a new one before anything else works.
   */
  mustChangePassword = false;
  private current: StarlingClient | undefined;
  /** The password of that login, kept in memory only until the new one is set. */
  private initialPassword = "";
  /** While offline: the next try to reach the server, how long it waits, and the network watch. */
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = OFFLINE_RETRY_FIRST_MS;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly env: Environment,
    private readonly hooks: SessionHooks,
  ) {
    super();
  }

  /** The SDK client; undefined when signed out. */
  get client(): StarlingClient | undefined {
    return this.current;
  }

  get token(): string | undefined {
    return this.current?.token;
  }

  /** Whether `client` is still this session's (events of a replaced client are ignored). */
  owns(client: StarlingClient): boolean {
    return this.current === client;
  }

  /** A stored session from an earlier visit, if any. */
  saved(): SavedSession | undefined {
    try {
      const s = JSON.parse(this.env.storage.getItem(SESSION_KEY) ?? "null") as SavedSession | null;
      return s?.token ? s : undefined;
    } catch {
      return undefined;
    }
  }

  async login(userId: string, password: string): Promise<void> {
    await this.start({ userId, password });
  }

  /**
   * Sets the new password of a login that must change it; then the session
   * starts as any other (its token is stored, the other stores load).
   */
  async setNewPassword(newPassword: string): Promise<void> {
    const client = this.current;
    if (!client || !this.mustChangePassword) return;
    await client.changePassword(this.initialPassword, newPassword);
    if (!this.owns(client)) return;
    this.initialPassword = "";
    this.mustChangePassword = false;
    this.began(client);
    this.changed();
  }

  /**
   * Chooses the first password with an invite's activation code (on this same server, which
   * serves the client), then signs in with the session it gives.
   */
  async activate(userId: string, code: string, password: string): Promise<void> {
    const { token } = await activate("", {
      userId,
      code,
      password,
      deviceId: this.deviceId(),
      platform: "web",
    });
    await this.start({ token });
  }

  /** Whether `password` is the initial one the new password must differ from. */
  isInitialPassword(password: string): boolean {
    return this.initialPassword !== "" && password === this.initialPassword;
  }

  /**
   * Logs in again with the stored token; false when there is none or it no
   * longer works. When the server cannot be reached (no network, the server
   * down) the session is "offline": the app shows what this device saved,
   * the outbox keeps what is written, and the login is tried again (with
   * backoff, and at once when the network seems back) until it works.
   */
  async resume(): Promise<boolean> {
    const s = this.saved();
    if (!s) return false;
    try {
      await this.start({ token: s.token });
      return true;
    } catch (err) {
      if (refused(err)) {
        this.env.storage.removeItem(SESSION_KEY);
        this.phase = "signedOut";
        this.changed();
        return false;
      }
      this.goOffline(s);
      return true;
    }
  }

  private goOffline(s: SavedSession): void {
    this.userId = s.userId;
    this.phase = "offline";
    this.hooks.offline(s.userId);
    this.changed();
    this.unwatch ??= this.env.watchNetwork?.(() => this.retryNow());
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.retryNow(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, OFFLINE_RETRY_MOST_MS);
  }

  /** One try to reach the server with the saved token, while offline and no try is under way. */
  private retryNow(): void {
    const s = this.saved();
    if (this.phase !== "offline" || this.current || !s) return;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.start({ token: s.token }).then(
      () => this.stopRetrying(),
      (err: unknown) => {
        if (this.phase !== "offline") return;
        if (refused(err)) this.endedElsewhere();
        else this.scheduleRetry();
      },
    );
  }

  private stopRetrying(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryMs = OFFLINE_RETRY_FIRST_MS;
    this.unwatch?.();
    this.unwatch = undefined;
  }

  async logout(): Promise<void> {
    this.stopRetrying();
    const c = this.current;
    // Bounded: a server that does not answer does not keep the user signed in.
    if (c?.state === "online") await bounded(this.hooks.signingOut(c), SIGNING_OUT_MOST_MS);
    if (this.current !== c) return;
    this.current = undefined;
    this.env.storage.removeItem(SESSION_KEY);
    this.mustChangePassword = false;
    this.initialPassword = "";
    this.hooks.ended();
    this.phase = "signedOut";
    this.changed();
    await c?.logout().catch(() => c.close());
  }

  private endedElsewhere(): void {
    this.stopRetrying();
    this.current = undefined;
    this.env.storage.removeItem(SESSION_KEY);
    this.mustChangePassword = false;
    this.initialPassword = "";
    this.hooks.ended();
    this.phase = "signedOut";
    this.changed();
  }

  /** Closes the connection without signing out (the stored session stays, as when a tab closes). */
  async close(): Promise<void> {
    this.stopRetrying();
    const c = this.current;
    this.current = undefined;
    await c?.close();
  }

  /** The login is complete: the other stores start, and the token is kept for a reload. */
  private began(client: StarlingClient): void {
    this.hooks.connected(client);
    const token = client.token;
    if (token) this.env.storage.setItem(SESSION_KEY, JSON.stringify({ token, userId: this.userId }));
  }

  private deviceId(): string {
    let id = this.env.storage.getItem(DEVICE_KEY);
    if (!id) {
      id = `web-${this.env.randomId()}`;
      this.env.storage.setItem(DEVICE_KEY, id);
    }
    return id;
  }

  private async start(auth: { userId: string; password: string } | { token: string }): Promise<void> {
    await this.current?.close();
    const client = new StarlingClient({
      endpoints: [this.env.endpoint],
      auth,
      device: {
        platform: "web",
        deviceId: this.deviceId(),
        appVersion: this.env.clientName ?? "Starling Web",
      },
      transport: this.env.transport,
    });
    this.current = client;
    let connected = false;
    // Until the first login succeeds the screen stays as it is (the login form, with its own progress).
    client.on("state", (state) => {
      if (!this.owns(client) || !connected) return;
      // Closed while still ours: the server ended the login (signed out from another device,
      // a password change elsewhere, an administrator), so nothing of it is kept.
      if (state === "closed") return this.endedElsewhere();
      this.phase = state;
      this.changed();
    });
    this.hooks.started(client);
    try {
      const welcome = await client.connect();
      connected = true;
      this.userId = welcome.userId;
      if (welcome.maxTextLength > 0) this.maxTextLength = welcome.maxTextLength;
      this.editWindowMs = welcome.editWindowMs;
      this.webPushKey = welcome.pushProviders.includes("webpush") ? welcome.webpushPublicKey : "";
      // Nothing loads (and no token is kept for a reload) until the new password is set.
      this.mustChangePassword = welcome.mustChangePassword;
      this.initialPassword = welcome.mustChangePassword && "password" in auth ? auth.password : "";
      if (!welcome.mustChangePassword) this.began(client);
      this.phase = client.state;
      this.changed();
    } catch (err) {
      this.current = undefined;
      this.mustChangePassword = false;
      this.initialPassword = "";
      await client.close().catch(() => {});
      // An offline session stays offline (and keeps trying) until the login works or is refused.
      if (this.phase !== "offline") this.phase = "signedOut";
      this.changed();
      throw err;
    }
  }
}

/** The server refused the login for good (the token no longer works), rather than could not be reached. */
function refused(err: unknown): boolean {
  return err instanceof StarlingError && !err.retryable;
}

/** Settles when `work` does, or after `ms` at the latest; never rejects. */
function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work
      .catch(() => {})
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

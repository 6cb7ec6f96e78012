/*
 * Ports of the core other than storage. The store's port is split by module (core/<module>/store.ts,
 * kernel/shared-store.ts for what several share) and combined in core/store.ts.
 */

/**
 * File contents, by SHA-256: in the data folder or a shared mount, or in the
 * database (what a cluster needs, since every node must read every file).
 * Writes are idempotent (the same bytes under the same name), and a blob is
 * visible only once it is complete.
 */
export interface BlobStore {
  /**
   * The store's own id, made on first use: the same on every node that uses
   * the same store, another for another store (how a node finds out that it
   * does not see the files the others see).
   */
  id(): Promise<string>;
  /** Stores the bytes (once per content); returns their SHA-256, lower-case hex. */
  put(bytes: Uint8Array): Promise<string>;
  /**
   * Moves a complete local file (such as a finished resumable upload) into
   * the store, hashing it as it is read; the file is gone afterwards.
   */
  putFile(path: string): Promise<{ sha256: string; size: number }>;
  /**
   * Stores what `source` yields as it arrives, never holding all of it. With
   * `expectSha256`, content whose hash differs is refused and nothing is kept.
   */
  putStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    expectSha256?: string,
  ): Promise<{ sha256: string; size: number }>;
  has(sha256: string): Promise<boolean>;
  /**
   * The bytes from `start` to `end` inclusive (`end` past the last byte
   * means the last byte), as they are read. Iterating fails for content the
   * store does not hold.
   */
  read(sha256: string, start: number, end: number): AsyncIterable<Uint8Array>;
  close?(): Promise<void>;
}

/** What the bytes of an uploaded file say about it. */
export interface MediaInfo {
  width?: number;
  height?: number;
  durationMs?: number;
  /** For images: a WebP preview no larger than 320 px on its longer side. */
  thumbnail?: Uint8Array;
}

/** Reading images, audio and video (sharp and friends behind a port). */
export interface MediaProbe {
  /**
   * Dimensions, duration and a thumbnail, as far as the type allows; `source`
   * is the bytes or a local file holding them. Throws INVALID_ARGUMENT
   * (field "body") for an image with more pixels than allowed or one that
   * cannot be decoded although its header says it is an image.
   */
  inspect(source: Uint8Array | string, mime: string): Promise<MediaInfo>;
  /** Square WebP renditions of an image, one per size in pixels (for avatars). */
  avatar(source: Uint8Array | string, sizes: readonly number[]): Promise<Uint8Array[]>;
}

export type KickReason = "logged_out" | "disabled";

/** What a node does with bus traffic for its local sessions (the gateway implements it). */
export interface BusReceiver {
  deliver(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void;
  /** To every session of a user of `domain`. */
  deliverDomain(domain: string, frame: Uint8Array): void;
  /**
   * Closes the users' sessions, except those of the login whose token hash is `keepToken`; with
   * `onlyToken`, only the sessions of that one login.
   */
  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void;
  /** A frame for one addressed session of a user (see Bus.publishTo); ignored when it is not here. */
  deliverTo(userId: string, address: string, frame: Uint8Array): void;
  /**
   * Pushes may have been lost on their way between nodes (the bus was
   * interrupted): tell every local session to catch up by sync.
   */
  resync(): void;
}

/** Delivers encoded server pushes to the sessions of users, on whichever node they are. */
export interface Bus {
  /** `frame` is an encoded Envelope; `exceptSession` skips one session. */
  publish(userIds: readonly string[], frame: Uint8Array, exceptSession?: string): void;
  /** Delivers to this node's sessions only (for state every node derives by itself). */
  publishLocal(userIds: readonly string[], frame: Uint8Array): void;
  /** Delivers to every online user of a domain, on every node (directory changes). */
  publishDomain(domain: string, frame: Uint8Array): void;
  /**
   * Closes every session of these users on every node. With `keepToken` (a
   * login session's token hash) the connections of that one login stay: a
   * user who changes their own password keeps the session they did it from.
   * With `onlyToken`, only the connections of that one login close: a user
   * who ends one of their sessions from another device.
   */
  kick(userIds: readonly string[], reason: KickReason, keepToken?: string, onlyToken?: string): void;
  /**
   * Hands `frame` to the one session of `userId` known by `address` (for
   * example an XMPP resource) on the other nodes; the caller has looked on
   * its own node first. Nobody answers for an address no node has: the frame
   * is dropped, as a push to an offline device is. False when there are no
   * other nodes to hand it to (a single node).
   */
  publishTo(userId: string, address: string, frame: Uint8Array): boolean;
  /** Registers the local receiver; only the composition root calls this. */
  attach(receiver: BusReceiver): void;
  /**
   * Whether a cluster bus reaches the other nodes (readiness). While it does
   * not, everything still works on this node: sends are stored, acknowledged
   * and pushed to local sessions; pushes to other nodes are dropped, and
   * their sessions are told to sync once the bus is back.
   */
  health?(): { ok: boolean; detail?: string };
  /** Releases connections (cluster buses). */
  close?(): Promise<void>;
}

/** A user's connections on one node. */
export interface LocalPresence {
  sessions: number;
  away: boolean;
}

/** Where a user is online, across every node of the deployment. */
export interface PresenceView {
  online: boolean;
  /** Away on every device that is connected. */
  away: boolean;
  /** When the user was last connected anywhere (0: unknown). */
  lastSeen: number;
}

/**
 * The cluster-wide presence table. Each node reports its own users'
 * connections; the directory combines every node's reports and says when a
 * user's combined state may have changed (also when a node is lost).
 */
export interface PresenceDirectory {
  /** This node's state for the user changed (undefined: no longer connected here). */
  report(userId: string, state: LocalPresence | undefined): void;
  view(userId: string): PresenceView;
  onChange(listener: (userId: string) => void): void;
  /** This node's count of client sessions, shared with the other nodes (cluster directories). */
  reportLoad?(sessions: number): void;
  /** The last session count of every live node, by node id, this node's included. */
  loads?(): Map<string, number>;
  close?(): Promise<void>;
}

export interface Clock {
  now(): number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface Random {
  /** Cryptographically random bytes. */
  bytes(n: number): Uint8Array;
  /** sha256 hex of a string, for storing tokens. */
  sha256(value: string): string;
}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

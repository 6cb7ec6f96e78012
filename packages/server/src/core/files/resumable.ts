import { ErrorCode, StarlingError } from "@starling/protocol";
import type { Random } from "../kernel/ports.js";
import type { Files, StagedContent } from "./files.js";

/** One resumable upload, as kept next to its bytes. */
export interface Upload {
  /** 18 random bytes in base64url. */
  id: string;
  owner: string;
  length: number;
  name: string;
  /** The client's own description of the upload (tus Upload-Metadata), kept as sent and given back. */
  metadata: string;
  createdAt: number;
  /** The file made from the upload once its last byte arrived. */
  fileId?: string;
}

/** An upload's files as the area holds them, read only when a sweep asks. */
export interface KeptUpload {
  id: string;
  /** Its record, or undefined when there is none or it cannot be read (a stray). */
  read(): Promise<Upload | undefined>;
  /** When any of its files last changed, in milliseconds since the epoch (0 when none exists). */
  touchedAt(): Promise<number>;
  /** Removes all it holds. */
  discard(): Promise<void>;
}

/**
 * The port where resumable uploads keep their records and bytes until the
 * last byte arrives (adapters/uploads/disk-upload-area.ts: a folder on the
 * same file system as the blobs). Nothing a client sends becomes a path.
 */
export interface UploadArea {
  /** Makes the area ready to hold uploads. */
  open(): Promise<void>;
  /** Records a new upload with no bytes yet; fails when the id is taken. */
  create(u: Upload): Promise<void>;
  /** The record kept under this owner and id, if any. */
  read(owner: string, id: string): Promise<Upload | undefined>;
  /** Replaces the record, atomically. */
  save(u: Upload): Promise<void>;
  /** The bytes received so far, or undefined when they are gone. */
  received(u: Upload): Promise<number | undefined>;
  /**
   * Writes the chunks at `start`, in order. More than `room` bytes are
   * refused whole: what this call wrote is removed and `tooLong` is set.
   */
  write(
    u: Upload,
    start: number,
    chunks: AsyncIterable<Uint8Array>,
    room: number,
  ): Promise<{ written: number; tooLong: boolean }>;
  /** The complete bytes, for Files to store. */
  staged(u: Upload): Promise<StagedContent>;
  /** Removes the record and the bytes. */
  remove(u: Upload): Promise<void>;
  /** Uploads of this owner whose bytes are still arriving. */
  unfinished(owner: string): Promise<number>;
  /** What the area holds, of one owner or of everyone. */
  kept(owner?: string): Promise<KeptUpload[]>;
}

/** What a resumable upload keeps, and for how long. */
export interface ResumableOptions {
  /** Unfinished uploads one user may have at a time. */
  maxUnfinished: number;
  /** Age after which an upload, finished or not, is forgotten and its bytes removed. */
  maxAgeMs: number;
  /** How often expired uploads are looked for. */
  sweepIntervalMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export const DEFAULT_RESUMABLE_OPTIONS: ResumableOptions = {
  maxUnfinished: 20,
  maxAgeMs: 24 * 60 * 60 * 1000,
  sweepIntervalMs: 60 * 60 * 1000,
  now: Date.now,
};

/** The bytes of one request, and how to stop receiving them. */
export interface UploadBody {
  chunks: AsyncIterable<Uint8Array>;
  /** Ends the transfer early (another request for the same upload arrived). */
  stop(): void;
}

/** Where an upload is: its record and the bytes received. */
export interface UploadState {
  u: Upload;
  offset: number;
}

const ID = /^[A-Za-z0-9_-]{24}$/;
const ignore = () => {};

function gone(): StarlingError {
  return new StarlingError(ErrorCode.NOT_FOUND, "no such upload");
}

function tooMany(limit: number): StarlingError {
  return new StarlingError(ErrorCode.RATE_LIMITED, "too many unfinished uploads; finish or delete one", {
    details: { limit: String(limit) },
  });
}

export function beyondLength(length: number): StarlingError {
  return new StarlingError(ErrorCode.FILE_TOO_LARGE, `the upload is ${length} bytes long`, {
    details: { field: "body", limit: String(length) },
  });
}

/** A body that ends early (the client went away) ends the chunks; what arrived is kept. */
async function* untilBroken(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  for (;;) {
    let step: IteratorResult<Uint8Array>;
    try {
      step = await it.next();
    } catch {
      return;
    }
    if (step.done) return;
    yield step.value;
  }
}

/**
 * Who is writing to which upload. A request that arrives for an upload
 * another request is still writing stops that one (its client has most
 * likely gone, and the new one resumes from what was kept) and waits until
 * its bytes are kept.
 */
class Transfers {
  private readonly held = new Map<string, { stop: () => void; done: Promise<void> }>();

  async acquire(key: string): Promise<{ release(): void; onStop(stop: () => void): void }> {
    do await this.settle(key);
    while (this.held.has(key));
    let finished = ignore;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const entry = { stop: ignore, done };
    this.held.set(key, entry);
    return {
      release: () => {
        if (this.held.get(key) === entry) this.held.delete(key);
        finished();
      },
      onStop: (stop) => {
        entry.stop = stop;
      },
    };
  }

  /** Stops the request writing to this upload, if any, and waits until it has let go. */
  async settle(key: string): Promise<void> {
    for (let h = this.held.get(key); h; h = this.held.get(key)) {
      h.stop();
      await h.done;
    }
  }

  has(key: string): boolean {
    return this.held.has(key);
  }

  stopAll(): void {
    for (const h of this.held.values()) h.stop();
  }
}

/**
 * Resumable uploads (the state machine behind tus): created with their
 * length, written from the offset where they are, one request at a time,
 * made into a file by their last byte, removed by their owner or when they
 * expire. An upload is visible to its owner only.
 */
export class ResumableUploads {
  private readonly opts: ResumableOptions;
  private readonly transfers = new Transfers();
  private readonly queues = new Map<string, Promise<void>>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly files: Files,
    private readonly area: UploadArea,
    private readonly random: Random,
    options: Partial<ResumableOptions> = {},
  ) {
    this.opts = { ...DEFAULT_RESUMABLE_OPTIONS, ...options };
  }

  /** Opens the area, removes what expired while the server was down, and sweeps on a timer. */
  async start(): Promise<void> {
    await this.area.open();
    await this.sweep();
    this.timer ??= setInterval(() => {
      this.sweep().catch(ignore);
    }, this.opts.sweepIntervalMs);
    this.timer.unref();
  }

  /** Stops every transfer in progress; what each received is kept. */
  stopTransfers(): void {
    this.transfers.stopAll();
  }

  /** Ends the sweeps. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  expiresAt(u: Upload): number {
    return u.createdAt + this.opts.maxAgeMs;
  }

  async create(owner: string, length: number, name: string, metadata: string): Promise<Upload> {
    return this.serial(owner, async () => {
      if ((await this.area.unfinished(owner)) >= this.opts.maxUnfinished) {
        await this.sweep(owner);
        if ((await this.area.unfinished(owner)) >= this.opts.maxUnfinished)
          throw tooMany(this.opts.maxUnfinished);
      }
      const u: Upload = {
        id: Buffer.from(this.random.bytes(18)).toString("base64url"),
        owner,
        length,
        name,
        metadata,
        createdAt: this.opts.now(),
      };
      await this.area.create(u);
      return u;
    });
  }

  /** The caller's upload with this id, unless it does not exist, is someone else's or has expired. */
  async find(owner: string, id: string): Promise<Upload | undefined> {
    if (!ID.test(id)) return undefined;
    const u = await this.area.read(owner, id);
    if (!u || u.owner !== owner || u.id !== id || this.expired(u)) return undefined;
    return u;
  }

  /**
   * The caller's upload and the bytes received so far. Bytes that are gone
   * have just become a file (reread), are becoming one in another request
   * (the whole length, when `othersFinishing`), or were lost with the upload.
   */
  async state(owner: string, id: string, othersFinishing = false): Promise<UploadState | undefined> {
    const u = await this.find(owner, id);
    if (!u || u.fileId) return u && { u, offset: u.length };
    const received = await this.area.received(u);
    if (received !== undefined) return { u, offset: received };
    const again = await this.find(owner, id);
    if (again?.fileId || (again && othersFinishing && this.transfers.has(again.id)))
      return { u: again, offset: again.length };
    return undefined;
  }

  /** Where the caller's upload is, counting an upload another request is finishing as complete. */
  async current(owner: string, id: string): Promise<UploadState> {
    const now = await this.state(owner, id, true);
    if (!now) throw gone();
    return now;
  }

  /** Where the upload is once any request still writing to it has stopped. */
  async settled(owner: string, id: string): Promise<UploadState> {
    const known = await this.find(owner, id);
    if (!known) throw gone();
    await this.transfers.settle(known.id);
    const now = await this.state(owner, id, true);
    if (!now) throw gone();
    return now;
  }

  /**
   * Writes the body at `offset` (which must be where the upload is), and
   * makes the file after the last byte. `declared` is the body's announced
   * length, refused at once when it would go past the upload's.
   */
  async append(
    owner: string,
    id: string,
    offset: number,
    body: UploadBody | undefined,
    declared: number | undefined,
  ): Promise<UploadState> {
    const known = await this.find(owner, id);
    if (!known) throw gone();
    const hold = await this.transfers.acquire(known.id);
    try {
      const now = await this.state(owner, id);
      if (!now) throw gone();
      const { u, offset: current } = now;
      if (offset !== current)
        throw new StarlingError(ErrorCode.CONFLICT, `the upload is at offset ${current}`, {
          details: { field: "upload-offset", offset: String(current) },
        });
      if (declared !== undefined && offset + declared > u.length) throw beyondLength(u.length);
      let end = offset;
      if (body && !u.fileId) {
        hold.onStop(() => body.stop());
        const { written, tooLong } = await this.area.write(
          u,
          offset,
          untilBroken(body.chunks),
          u.length - offset,
        );
        if (tooLong) throw beyondLength(u.length);
        end += written;
        hold.onStop(ignore);
      }
      if (end === u.length && !u.fileId) await this.finish(u);
      return { u, offset: end };
    } finally {
      hold.release();
    }
  }

  /** Removes the caller's upload and its bytes, once no request is writing to it. */
  async remove(owner: string, id: string): Promise<void> {
    const u = await this.find(owner, id);
    if (!u) throw gone();
    const hold = await this.transfers.acquire(u.id);
    try {
      await this.area.remove(u);
    } finally {
      hold.release();
    }
  }

  /** Forgets an upload just created whose first bytes were refused. */
  async discard(u: Upload): Promise<void> {
    await this.area.remove(u);
  }

  /** Removes every expired upload and every stray older than the expiry, of one owner or of all. */
  async sweep(owner?: string): Promise<void> {
    for (const kept of await this.area.kept(owner)) {
      if (this.transfers.has(kept.id)) continue;
      const u = await kept.read();
      if (u ? this.expired(u) : this.opts.now() - (await kept.touchedAt()) > this.opts.maxAgeMs)
        await kept.discard();
    }
  }

  private async finish(u: Upload): Promise<void> {
    try {
      u.fileId = (await this.files.uploadStaged(u.owner, u.name, await this.area.staged(u))).id;
    } catch (err) {
      if (err instanceof StarlingError) await this.area.remove(u);
      throw err;
    }
    await this.area.save(u);
  }

  private expired(u: Upload): boolean {
    return this.opts.now() > this.expiresAt(u);
  }

  /** Runs fn after every earlier one for the same key. */
  private async serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.then(ignore, ignore);
    this.queues.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }
}

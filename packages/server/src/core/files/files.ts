import { createHmac, timingSafeEqual } from "node:crypto";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { invalid, notFound } from "../kernel/errors.js";
import { domainOf } from "../kernel/ids.js";
import { MAX_FILE_ID_LENGTH, MAX_FILE_NAME_LENGTH } from "../kernel/limits.js";
import { type Metrics, NO_METRICS } from "../kernel/metrics.js";
import type { BlobStore, Clock, Logger, MediaInfo, MediaProbe, Random } from "../kernel/ports.js";
import type { FileRecord } from "../kernel/records.js";
import { openBlob, WHOLE } from "./blob-reader.js";
import type { FilesStore } from "./store.js";

export interface FileLimits {
  /** Largest file accepted in one request (held in memory). */
  maxUploadBytes: number;
  /** Largest file by any means, unless the domain sets its own. */
  maxFileBytes: number;
  /** Bytes each domain may keep, unless it sets its own; 0 for no limit. */
  domainQuotaBytes: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxUploadBytes: 32 * 1024 * 1024,
  maxFileBytes: 4 * 1024 * 1024 * 1024,
  domainQuotaBytes: 0,
};

export type LinkVariant = "content" | "thumbnail";

export interface FileLink {
  /** Path and query on the HTTP API. */
  path: string;
  expiresAt: number;
}

/** Complete content kept on this node's disk, ready to become a file. */
export interface StagedContent {
  /** Where the BlobStore and the MediaProbe read it from. */
  path: string;
  size: number;
  /** Its first `n` bytes, or all of it when it is shorter. */
  head(n: number): Promise<Uint8Array>;
}

/** The secrets row holding the id of the deployment's BlobStore (see Files.blobStoreShared). */
export const BLOB_STORE_SECRET = "blob-store";

/** How long a signed link works. */
export const LINK_TTL_MS = 10 * 60 * 1000;

const SHA256 = /^[0-9a-f]{64}$/;
/** Bytes file-type needs to recognise every type it knows. */
const SNIFF_BYTES = 4100;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A file name as given, reduced to its last path part, without control or path characters. */
export function cleanFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? "";
  const name = last.replace(CONTROL, "").trim().slice(0, MAX_FILE_NAME_LENGTH);
  return name === "" || name === "." || name === ".." ? "file" : name;
}

const isMedia = (mime: string) => /^(image|audio|video)\//.test(mime);

/**
 * Uploaded files: the content goes to the BlobStore under its SHA-256 (one
 * blob however often it is uploaded), the metadata to the Store. The type is
 * sniffed from the bytes; what the client claims is never used. Images get
 * their size and a thumbnail, audio and video their duration, through the
 * MediaProbe. A file is readable by its uploader and by members of the
 * conversations where a message shared it, until that message is recalled.
 */
export class Files {
  private linkKey: Promise<string> | undefined;
  private blobCheck: Promise<{ id: string; shared: boolean }> | undefined;

  constructor(
    private readonly store: FilesStore,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly limits: FileLimits,
    private readonly log: Logger,
    private readonly media?: MediaProbe,
    private readonly metrics: Metrics = NO_METRICS,
  ) {}

  /** The largest file the user's domain accepts, and its quota (0: none); without a user, the server's settings. */
  async limitsFor(userId?: string): Promise<{ maxFileBytes: number; quotaBytes: number; usedBytes: number }> {
    const d = userId ? await this.store.read.getDomain(domainOf(userId)) : undefined;
    return {
      maxFileBytes: d?.maxFileBytes || this.limits.maxFileBytes,
      quotaBytes: d?.quotaBytes || this.limits.domainQuotaBytes,
      usedBytes: d?.usedBytes ?? 0,
    };
  }

  /**
   * Refuses, before any byte is sent, a file larger than allowed or one the
   * quota cannot take (for resumable uploads, which announce their length).
   * Returns the quota that applies, for the transaction that charges it.
   */
  async checkUpload(userId: string, size: number): Promise<{ quotaBytes: number }> {
    const l = await this.limitsFor(userId);
    if (size > l.maxFileBytes) throw tooLarge(l.maxFileBytes);
    if (l.quotaBytes > 0 && l.usedBytes + size > l.quotaBytes) throw quotaExceeded(l.quotaBytes);
    return l;
  }

  /** The largest file one request may carry for this user: files.maxUploadBytes or the domain's largest file. */
  async maxSingleUpload(userId: string): Promise<number> {
    return Math.min(this.limits.maxUploadBytes, (await this.limitsFor(userId)).maxFileBytes);
  }

  /**
   * `fileId` is one handed out before the upload (see newFileId) when a
   * link to the file had to exist first; a second upload under it fails.
   */
  async upload(userId: string, rawName: string, bytes: Uint8Array, fileId?: string): Promise<FileRecord> {
    if (bytes.length === 0) throw invalid("the file is empty", "body");
    if (bytes.length > this.limits.maxUploadBytes) throw tooLarge(this.limits.maxUploadBytes);
    const { quotaBytes } = await this.checkUpload(userId, bytes.length);
    const mime =
      (await (await import("file-type")).fileTypeFromBuffer(bytes))?.mime ?? "application/octet-stream";
    const info = await this.inspect(bytes, mime);
    const sha256 = await this.blobs.put(bytes);
    const file = await this.record(userId, rawName, sha256, bytes.length, mime, info, quotaBytes, fileId);
    this.uploaded(bytes.length);
    return file;
  }

  /** A fresh file id, as uploads get them. */
  newFileId(): string {
    return `f${Buffer.from(this.random.bytes(15)).toString("base64url")}`;
  }

  /**
   * Complete content on this node's disk (a finished resumable upload):
   * inspected there, then moved into the BlobStore.
   */
  async uploadStaged(userId: string, rawName: string, staged: StagedContent): Promise<FileRecord> {
    const head = await staged.head(SNIFF_BYTES);
    if (head.length === 0) throw invalid("the file is empty", "body");
    const { quotaBytes } = await this.checkUpload(userId, staged.size);
    const mime =
      (await (await import("file-type")).fileTypeFromBuffer(head))?.mime ?? "application/octet-stream";
    const info = await this.inspect(staged.path, mime);
    const { sha256, size } = await this.blobs.putFile(staged.path);
    const file = await this.record(userId, rawName, sha256, size, mime, info, quotaBytes);
    this.uploaded(size);
    return file;
  }

  private uploaded(bytes: number): void {
    this.metrics.inc("starling_uploads_total");
    this.metrics.inc("starling_upload_bytes_total", {}, bytes);
  }

  /**
   * The client already knows the content's SHA-256: when the caller may
   * already read a file with those bytes (see readable), they get a file of
   * their own for them without sending them again; otherwise NOT_FOUND, the
   * same as for content the server does not hold, and the client uploads.
   */
  async adopt(userId: string, sha256In: string, rawName: string): Promise<FileRecord> {
    const sha256 = sha256In.toLowerCase();
    if (!SHA256.test(sha256)) throw invalid("not a SHA-256 in hex", "sha256");
    // Only content the caller may already read, and unknown content otherwise
    // (the same answer), so a hash alone never hands over anyone else's file.
    const known = await this.store.read.readableFileWithHash(userId, sha256);
    if (!known || !(await this.blobs.has(sha256))) throw notFound("no such content here; upload it");
    const { quotaBytes } = await this.checkUpload(userId, known.size);
    const info = {
      width: known.width ?? undefined,
      height: known.height ?? undefined,
      durationMs: known.durationMs ?? undefined,
      thumbSha256: known.thumbSha256 ?? undefined,
    };
    return this.record(userId, rawName, sha256, known.size, known.mime, info, quotaBytes);
  }

  /**
   * The file, if the caller may read it: the uploader, or a member of a
   * conversation where a message (not recalled) shared it. Anything else is
   * NOT_FOUND, so ids reveal nothing.
   */
  async readable(userId: string, fileId: string): Promise<FileRecord> {
    const f =
      fileId.length <= MAX_FILE_ID_LENGTH ? await this.store.read.readableFile(userId, fileId) : undefined;
    if (!f) throw notFound("no such file");
    return f;
  }

  /**
   * A link to the file's content or thumbnail that works without the session
   * token until `ttlMs` from now, for as long as the user may read the file
   * (a recall ends it at once).
   */
  async link(userId: string, fileId: string, variant: LinkVariant, ttlMs = LINK_TTL_MS): Promise<FileLink> {
    const f = await this.readable(userId, fileId);
    const expiresAt = this.clock.now() + ttlMs;
    const sig = await this.sign(f.id, variant, expiresAt, userId);
    const query = new URLSearchParams({ u: userId, exp: String(expiresAt), sig });
    return { path: `/api/v1/files/${f.id}/${variant}?${query}`, expiresAt };
  }

  /** The file a signed link names, if its signature holds, it has not expired and its user may still read it. */
  async readableByLink(
    fileId: string,
    variant: LinkVariant,
    link: { u: string; exp: number; sig: string },
  ): Promise<FileRecord> {
    const expected = Buffer.from(await this.sign(fileId, variant, link.exp, link.u), "hex");
    const given = Buffer.from(link.sig, "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new StarlingError(ErrorCode.FORBIDDEN, "the link's signature is not valid");
    if (link.exp < this.clock.now()) throw new StarlingError(ErrorCode.FORBIDDEN, "the link has expired");
    return this.readable(link.u, fileId);
  }

  private async sign(fileId: string, variant: string, exp: number, userId: string): Promise<string> {
    return createHmac("sha256", await this.secret())
      .update(`${fileId}\n${variant}\n${exp}\n${userId}`)
      .digest("hex");
  }

  /**
   * A key for another kind of signed link to files (such as XEP-0363 upload
   * slots), one per `purpose`: derived from the signed links' secret, so
   * every node has it without storing more secrets, and a signature made for
   * one purpose is never valid for another.
   */
  async derivedKey(purpose: string): Promise<Buffer> {
    return createHmac("sha256", await this.secret())
      .update(`derived key\n${purpose}`)
      .digest();
  }

  private async secret(): Promise<Buffer> {
    this.linkKey ??= this.store.transaction((tx) =>
      tx.ensureSecret("file-links", Buffer.from(this.random.bytes(32)).toString("hex")),
    );
    try {
      return Buffer.from(await this.linkKey, "hex");
    } catch (err) {
      this.linkKey = undefined; // asked again next time
      throw err;
    }
  }

  /**
   * Whether this node's BlobStore is the deployment's: the first node to
   * start records its store's id in the database, and a node whose store
   * has another id (its own data folder, in a cluster) would serve only the
   * files uploaded to it.
   */
  blobStoreShared(): Promise<{ id: string; shared: boolean }> {
    this.blobCheck ??= (async () => {
      const id = await this.blobs.id();
      const recorded = await this.store.transaction((tx) => tx.ensureSecret(BLOB_STORE_SECRET, id));
      return { id, shared: recorded === id };
    })();
    this.blobCheck.catch(() => {
      this.blobCheck = undefined; // asked again next time
    });
    return this.blobCheck;
  }

  /** The bytes from `start` to `end` inclusive; NOT_FOUND (and a log line) when the content is missing. */
  open(f: FileRecord, start: number, end: number): Promise<AsyncIterable<Uint8Array>> {
    return openBlob(this.blobs, this.log, f.sha256, { start, end }, { fileId: f.id });
  }

  /** The thumbnail's bytes, whole, or undefined when the file has none. */
  async openThumbnail(f: FileRecord): Promise<AsyncIterable<Uint8Array> | undefined> {
    if (!f.thumbSha256) return undefined;
    return openBlob(this.blobs, this.log, f.thumbSha256, WHOLE, { fileId: f.id, variant: "thumbnail" });
  }

  private async inspect(
    source: Uint8Array | string,
    mime: string,
  ): Promise<MediaInfo & { thumbSha256?: string }> {
    if (!this.media || !isMedia(mime)) return {};
    const info = await this.media.inspect(source, mime);
    const thumbSha256 = info.thumbnail ? await this.blobs.put(info.thumbnail) : undefined;
    return { ...info, thumbSha256 };
  }

  private async record(
    userId: string,
    rawName: string,
    sha256: string,
    size: number,
    mime: string,
    info: MediaInfo & { thumbSha256?: string },
    quotaBytes: number,
    fileId = this.newFileId(),
  ): Promise<FileRecord> {
    const file: FileRecord = {
      id: fileId,
      domain: domainOf(userId),
      uploader: userId,
      sha256,
      size,
      mime,
      name: cleanFileName(rawName),
      createdAt: this.clock.now(),
      width: info.width ?? null,
      height: info.height ?? null,
      durationMs: info.durationMs ?? null,
      thumbSha256: info.thumbSha256 ?? null,
    };
    // The quota is checked again in the transaction that charges it, against concurrent uploads.
    const stored = await this.store.transaction((tx) => tx.insertFile(file, quotaBytes));
    if (!stored) throw quotaExceeded(quotaBytes);
    return file;
  }
}

function tooLarge(limit: number): StarlingError {
  return new StarlingError(ErrorCode.FILE_TOO_LARGE, `the file is larger than ${limit} bytes`, {
    details: { field: "body", limit: String(limit) },
  });
}

function quotaExceeded(quota: number): StarlingError {
  return new StarlingError(ErrorCode.QUOTA_EXCEEDED, "the domain's storage quota is used up", {
    details: { quota: String(quota) },
  });
}

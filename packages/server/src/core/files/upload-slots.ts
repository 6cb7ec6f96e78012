import { createHmac, timingSafeEqual } from "node:crypto";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { invalid, notFound } from "../kernel/errors.js";
import { MAX_CONTENT_TYPE_LENGTH, MAX_FILE_NAME_LENGTH } from "../kernel/limits.js";
import type { Clock } from "../kernel/ports.js";
import type { FileRecord } from "../kernel/records.js";
import type { Files } from "./files.js";
import type { FilesReader } from "./store.js";

/** How long slots last and how many a user may hold. */
export interface SlotOptions {
  /** How long a slot's upload URL works. */
  ttlMs: number;
  /** Slots one user may hold unused at a time (counted on the node that gave them out). */
  maxOutstanding: number;
}

export const DEFAULT_SLOT_OPTIONS: SlotOptions = { ttlMs: 5 * 60 * 1000, maxOutstanding: 20 };

/** Where slots are uploaded to (PUT) and their files downloaded from (GET) on the HTTP API. */
export const SLOT_UPLOAD_PATH = "/api/v1/xmpp/upload";
export const SLOT_DOWNLOAD_PATH = "/api/v1/xmpp/files";

/** What an upload URL grants, all of it covered by its signature. */
export interface Slot {
  /** The id the file will have, so its download URL can be given out with the slot. */
  fileId: string;
  userId: string;
  name: string;
  size: number;
  /** The Content-Type the upload must have ("" for any). */
  contentType: string;
  expiresAt: number;
}

/** A slot as the query of its upload URL. */
export interface SlotQuery {
  u?: string;
  n?: string;
  s?: string;
  t?: string;
  e?: string;
  sig?: string;
}

const MAX_NAME = MAX_FILE_NAME_LENGTH;
const MAX_TYPE = MAX_CONTENT_TYPE_LENGTH;
const SIZE = /^\d{1,16}$/;
const FILE_ID = /^f[A-Za-z0-9_-]{1,63}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const UNPRINTABLE = /[\u0000-\u001f\u007f]/;
const CONTENT_TYPE = /^[\x21-\x7e]+\/[\x20-\x7e]+$/;
const DOWNLOAD = new RegExp(`^${SLOT_DOWNLOAD_PATH}/(f[A-Za-z0-9_-]{1,63})/([A-Za-z0-9_-]{43})/[^/]+$`);
/** Users tracked before every user's expired slots are forgotten at once. */
const SWEEP_AT = 10_000;
/** Longest file name kept in a download URL; longer ones keep only their extension there. */
const MAX_URL_NAME = 80;

/** A Content-Type as compared: lower case, without spaces around its parameters. */
function normalType(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/\s*;\s*/g, ";");
}

/** The name as the last part of a download URL: only for show (clients take the extension from it). */
function urlName(name: string): string {
  const encoded = encodeURIComponent(name);
  if (encoded.length <= MAX_URL_NAME) return encoded;
  return `file${/\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? ""}`;
}

/**
 * Upload slots of XMPP HTTP file upload (XEP-0363) and the download URLs of
 * their files. A slot is a signed upload URL bound to the user, the file
 * name, the exact size, the content type and an expiry; the file it makes
 * has an id chosen with the slot, so its download URL is known before the
 * upload and a slot works once. A download URL is a bearer capability: the
 * file id and a signature over it, valid for as long as the file exists
 * (like Prosody's and ejabberd's). It is given only to those who can read
 * the file: the uploader, and the members of conversations a message shared
 * it in.
 */
export class UploadSlots {
  private keys: Promise<{ put: Buffer; get: Buffer }> | undefined;
  /** Signing keys, once loaded: download URLs are made while rendering, which cannot wait. */
  private loaded: { put: Buffer; get: Buffer } | undefined;
  /** Per user, slots given out and not used yet: file id -> expiry. */
  private readonly outstanding = new Map<string, Map<string, number>>();
  /** Files whose upload is arriving on this node, so a slot is not used twice at once. */
  private readonly arriving = new Set<string>();

  constructor(
    private readonly files: Files,
    private readonly reader: FilesReader,
    private readonly clock: Clock,
    private readonly options: SlotOptions = DEFAULT_SLOT_OPTIONS,
  ) {}

  /** Loads the signing keys. */
  async ready(): Promise<void> {
    this.keys ??= (async () => ({
      put: await this.files.derivedKey("xmpp-upload-put"),
      get: await this.files.derivedKey("xmpp-upload-get"),
    }))();
    try {
      this.loaded = await this.keys;
    } catch (err) {
      this.keys = undefined; // asked again next time
      throw err;
    }
  }

  /** The largest file a slot may be for, for this user. */
  maxSize(userId: string): Promise<number> {
    return this.files.maxSingleUpload(userId);
  }

  /**
   * A slot for a file the user is about to upload (XEP-0363 section 4):
   * INVALID_ARGUMENT for a bad name, size or type, FILE_TOO_LARGE past the
   * largest single upload, QUOTA_EXCEEDED when the domain's quota cannot
   * take it, RATE_LIMITED when the user holds too many unused slots.
   */
  async grant(
    userId: string,
    req: { filename?: string | undefined; size?: string | undefined; contentType?: string | undefined },
  ): Promise<{ slot: Slot; putPath: string; getPath: string }> {
    const name = (req.filename ?? "").trim();
    if (name === "" || name.length > MAX_NAME || UNPRINTABLE.test(name) || /[/\\]/.test(name))
      throw invalid(
        `a file name is 1-${MAX_NAME} characters without control characters or slashes`,
        "filename",
      );
    const sizeText = req.size ?? "";
    const size = SIZE.test(sizeText) ? Number(sizeText) : 0;
    if (size <= 0) throw invalid("the size is a positive number of bytes", "size");
    const contentType = req.contentType === undefined ? "" : normalType(req.contentType);
    if (req.contentType !== undefined && (contentType.length > MAX_TYPE || !CONTENT_TYPE.test(contentType)))
      throw invalid("not a content type", "content-type");
    const max = await this.maxSize(userId);
    if (size > max)
      throw new StarlingError(ErrorCode.FILE_TOO_LARGE, `the file is larger than ${max} bytes`, {
        details: { field: "size", limit: String(max) },
      });
    await this.files.checkUpload(userId, size);
    await this.ready();
    const now = this.clock.now();
    const mine = this.held(userId, now);
    if (mine.size >= this.options.maxOutstanding) {
      const wait = Math.max(1, Math.min(...mine.values()) - now);
      throw new StarlingError(ErrorCode.RATE_LIMITED, "too many upload slots not used yet", {
        retryAfterMs: wait,
        details: { limit: String(this.options.maxOutstanding) },
      });
    }
    const slot: Slot = {
      fileId: this.files.newFileId(),
      userId,
      name,
      size,
      contentType,
      expiresAt: now + this.options.ttlMs,
    };
    mine.set(slot.fileId, slot.expiresAt);
    this.outstanding.set(userId, mine);
    const query = new URLSearchParams({
      u: userId,
      n: name,
      s: String(size),
      ...(contentType ? { t: contentType } : {}),
      e: String(slot.expiresAt),
      sig: this.signSlot(slot),
    });
    return {
      slot,
      putPath: `${SLOT_UPLOAD_PATH}/${slot.fileId}?${query}`,
      getPath: this.downloadPath(slot.fileId, name) as string,
    };
  }

  /**
   * The slot an upload URL grants, checked before any of the body is read:
   * FORBIDDEN for a signature that does not hold, an expired slot or a user
   * who may no longer log in; INVALID_ARGUMENT when Content-Length is not the
   * slot's size or Content-Type not its type; CONFLICT for a slot already used.
   * The caller then calls `complete`, or `release` if the body never comes.
   */
  async claim(
    fileId: string,
    q: SlotQuery,
    headers: { contentLength?: string | undefined; contentType?: string | undefined },
  ): Promise<Slot> {
    await this.ready();
    const size = SIZE.test(q.s ?? "") ? Number(q.s) : 0;
    const expiresAt = SIZE.test(q.e ?? "") ? Number(q.e) : 0;
    const slot: Slot = {
      fileId,
      userId: q.u ?? "",
      name: q.n ?? "",
      size,
      contentType: q.t ?? "",
      expiresAt,
    };
    if (!FILE_ID.test(fileId) || !SIG.test(q.sig ?? "") || !equal(q.sig ?? "", this.signSlot(slot)))
      throw new StarlingError(ErrorCode.FORBIDDEN, "the upload URL's signature is not valid");
    if (expiresAt < this.clock.now())
      throw new StarlingError(ErrorCode.FORBIDDEN, "the upload slot has expired");
    if (headers.contentLength !== String(size))
      throw invalid(`Content-Length must be the slot's size, ${size}`, "content-length");
    if (slot.contentType && normalType(headers.contentType ?? "") !== slot.contentType)
      throw invalid(`Content-Type must be the slot's, ${slot.contentType}`, "content-type");
    if (this.arriving.has(fileId) || (await this.reader.getFile(fileId))) throw used();
    const user = await this.reader.getUser(slot.userId);
    if (!user || user.disabled) throw new StarlingError(ErrorCode.FORBIDDEN, "the uploader may not log in");
    if (this.arriving.has(fileId)) throw used();
    this.arriving.add(fileId);
    return slot;
  }

  /** Stores a claimed slot's bytes as the user's file, through the file service (quota, sniffing, thumbnails). */
  async complete(slot: Slot, bytes: Uint8Array): Promise<FileRecord> {
    try {
      if (bytes.length !== slot.size)
        throw invalid(`the body must be the slot's size, ${slot.size} bytes`, "content-length");
      const f = await this.files.upload(slot.userId, slot.name, bytes, slot.fileId);
      this.outstanding.get(slot.userId)?.delete(slot.fileId);
      return f;
    } catch (err) {
      // Another node stored the same slot first: the insert of the file id failed.
      if (!(err instanceof StarlingError) && (await this.reader.getFile(slot.fileId))) throw used();
      throw err;
    } finally {
      this.arriving.delete(slot.fileId);
    }
  }

  /** A claimed slot whose body did not arrive: it may be used again until it expires. */
  release(slot: Slot): void {
    this.arriving.delete(slot.fileId);
  }

  /** The path of a file's download URL; undefined until the keys are loaded. */
  downloadPath(fileId: string, name: string): string | undefined {
    const sig = this.signDownload(fileId);
    return sig && `${SLOT_DOWNLOAD_PATH}/${fileId}/${sig}/${urlName(name)}`;
  }

  /** The file id a download path names, if it is one of ours and its signature holds. */
  fileOfPath(path: string): string | undefined {
    const m = DOWNLOAD.exec(path);
    if (!m) return undefined;
    const [, fileId = "", sig = ""] = m;
    const expected = this.signDownload(fileId);
    return expected !== undefined && equal(sig, expected) ? fileId : undefined;
  }

  /** The file a download URL names; NOT_FOUND for a bad signature as for a file that is gone. */
  async download(fileId: string, sig: string): Promise<FileRecord> {
    await this.ready();
    const expected = this.signDownload(fileId);
    const f =
      FILE_ID.test(fileId) && expected !== undefined && equal(sig, expected)
        ? await this.reader.getFile(fileId)
        : undefined;
    if (!f) throw notFound("no such file");
    return f;
  }

  /** The user's unused, unexpired slots, forgetting expired ones. */
  private held(userId: string, now: number): Map<string, number> {
    if (this.outstanding.size >= SWEEP_AT) {
      for (const [u, slots] of this.outstanding) {
        for (const [id, exp] of slots) if (exp < now) slots.delete(id);
        if (slots.size === 0) this.outstanding.delete(u);
      }
    }
    const mine = this.outstanding.get(userId) ?? new Map<string, number>();
    for (const [id, exp] of mine) if (exp < now) mine.delete(id);
    return mine;
  }

  private signSlot(s: Slot): string {
    const keys = this.loaded;
    if (!keys) throw new StarlingError(ErrorCode.UNAVAILABLE, "upload keys not loaded", { retryable: true });
    return createHmac("sha256", keys.put)
      .update(JSON.stringify([s.fileId, s.userId, s.name, s.size, s.contentType, s.expiresAt]))
      .digest("base64url");
  }

  private signDownload(fileId: string): string | undefined {
    const keys = this.loaded;
    return keys && createHmac("sha256", keys.get).update(fileId).digest("base64url");
  }
}

function equal(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function used(): StarlingError {
  return new StarlingError(ErrorCode.CONFLICT, "this upload slot was used already");
}

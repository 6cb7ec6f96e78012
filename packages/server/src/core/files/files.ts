import { ErrorCode, StarlingError } from "@starling/protocol";
import { fileTypeFromBuffer } from "file-type";
import { invalid, notFound } from "../errors.js";
import { domainOf } from "../ids.js";
import type { BlobStore, Clock, Random, Store } from "../ports.js";
import type { FileRecord } from "../records.js";

export interface FileLimits {
  /** Largest file accepted in one request. */
  maxUploadBytes: number;
}

const SHA256 = /^[0-9a-f]{64}$/;
const MAX_NAME = 255;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A file name as given, reduced to its last path part, without control or path characters. */
export function cleanFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? "";
  const name = last.replace(CONTROL, "").trim().slice(0, MAX_NAME);
  return name === "" || name === "." || name === ".." ? "file" : name;
}

/**
 * Uploaded files: the content goes to the BlobStore under its SHA-256 (one
 * blob however often it is uploaded), the metadata to the Store. The type is
 * sniffed from the bytes; what the client claims is never used. For now a
 * file is readable by its uploader only; sharing into conversations comes
 * with message attachments.
 */
export class Files {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly limits: FileLimits,
  ) {}

  async upload(userId: string, rawName: string, bytes: Uint8Array): Promise<FileRecord> {
    if (bytes.length === 0) throw invalid("the file is empty", "body");
    if (bytes.length > this.limits.maxUploadBytes)
      throw new StarlingError(
        ErrorCode.INVALID_ARGUMENT,
        `the file is larger than ${this.limits.maxUploadBytes} bytes`,
        {
          details: { field: "body", limit: String(this.limits.maxUploadBytes) },
        },
      );
    const sniffed = await fileTypeFromBuffer(bytes);
    const sha256 = await this.blobs.put(bytes);
    return this.record(userId, rawName, sha256, bytes.length, sniffed?.mime ?? "application/octet-stream");
  }

  /**
   * The client already knows the content's SHA-256: when the domain holds
   * those bytes, the caller gets a file of their own for them without
   * sending them again; otherwise NOT_FOUND and the client uploads.
   */
  async adopt(userId: string, sha256In: string, rawName: string): Promise<FileRecord> {
    const sha256 = sha256In.toLowerCase();
    if (!SHA256.test(sha256)) throw invalid("not a SHA-256 in hex", "sha256");
    const known = await this.store.read.findFileByHash(domainOf(userId), sha256);
    if (!known || !(await this.blobs.has(sha256))) throw notFound("no such content here; upload it");
    return this.record(userId, rawName, sha256, known.size, known.mime);
  }

  /** The file, if the caller may read it. Anything else is NOT_FOUND, so ids reveal nothing. */
  async readable(userId: string, fileId: string): Promise<FileRecord> {
    const f = fileId.length <= 64 ? await this.store.read.getFile(fileId) : undefined;
    if (!f || f.uploader !== userId) throw notFound("no such file");
    return f;
  }

  read(f: FileRecord, start: number, end: number): AsyncIterable<Uint8Array> {
    return this.blobs.read(f.sha256, start, end);
  }

  private async record(
    userId: string,
    rawName: string,
    sha256: string,
    size: number,
    mime: string,
  ): Promise<FileRecord> {
    const file: FileRecord = {
      id: `f${Buffer.from(this.random.bytes(15)).toString("base64url")}`,
      domain: domainOf(userId),
      uploader: userId,
      sha256,
      size,
      mime,
      name: cleanFileName(rawName),
      createdAt: this.clock.now(),
    };
    await this.store.transaction((tx) => tx.insertFile(file));
    return file;
  }
}

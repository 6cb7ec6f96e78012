import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { access, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "../core/ports.js";

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Blobs in the data folder: files/ab/cd/<sha256>. A blob is written to a
 * temporary name and renamed, so a reader never sees half of one; writing
 * the same content twice is harmless. Names are checked to be SHA-256 hex,
 * so no path can be smuggled in.
 */
export class LocalBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error("not a SHA-256 name");
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const path = this.path(sha256);
    if (await this.has(sha256)) return sha256;
    await mkdir(join(path, ".."), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes, { flush: true });
    await rename(tmp, path);
    return sha256;
  }

  async putFile(source: string): Promise<{ sha256: string; size: number }> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(source)) hash.update(chunk as Buffer);
    const sha256 = hash.digest("hex");
    const { size } = await stat(source);
    const path = this.path(sha256);
    if (await this.has(sha256)) {
      await rm(source, { force: true });
    } else {
      await mkdir(join(path, ".."), { recursive: true });
      // The source lies in the data folder, so this is a rename on one file system.
      await rename(source, path);
    }
    return { sha256, size };
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await access(this.path(sha256));
      return true;
    } catch {
      return false;
    }
  }

  read(sha256: string, start: number, end: number): AsyncIterable<Uint8Array> {
    return createReadStream(this.path(sha256), { start, end });
  }
}

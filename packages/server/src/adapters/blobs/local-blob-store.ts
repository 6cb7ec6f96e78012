import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { access, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "../../core/kernel/ports.js";

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Blobs in a folder (the data folder's files/, or a mount every node
 * shares): ab/cd/<sha256>. A blob is written to a temporary name and
 * renamed, so a reader never sees half of one; writing the same content
 * twice is harmless. Names are checked to be SHA-256 hex, so no path can be
 * smuggled in.
 */
export class LocalBlobStore implements BlobStore {
  private storeId: Promise<string> | undefined;

  constructor(private readonly root: string) {}

  private path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error("not a SHA-256 name");
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private tmpName(): string {
    return join(this.root, `.${process.pid}.${randomUUID()}.tmp`);
  }

  /** Kept in the folder itself, so every node that mounts the same folder reads the same id. */
  id(): Promise<string> {
    this.storeId ??= (async () => {
      const file = join(this.root, "store-id");
      await mkdir(this.root, { recursive: true });
      // Whichever node comes first writes it ("wx" fails when it exists).
      await writeFile(file, `folder:${randomUUID()}\n`, { flag: "wx" }).catch(
        (err: NodeJS.ErrnoException) => {
          if (err.code !== "EEXIST") throw err;
        },
      );
      return (await readFile(file, "utf8")).trim();
    })();
    this.storeId.catch(() => {
      this.storeId = undefined;
    });
    return this.storeId;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const path = this.path(sha256);
    if (await this.has(sha256)) return sha256;
    await mkdir(join(path, ".."), { recursive: true });
    const tmp = this.tmpName();
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
      // The source lies in the data folder, so this is usually a rename on one file system.
      await rename(source, path).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== "EXDEV") throw err;
        await this.putStream(createReadStream(source), sha256);
        await rm(source, { force: true });
      });
    }
    return { sha256, size };
  }

  async putStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    expectSha256?: string,
  ): Promise<{ sha256: string; size: number }> {
    await mkdir(this.root, { recursive: true });
    const tmp = this.tmpName();
    const hash = createHash("sha256");
    let size = 0;
    const fh = await open(tmp, "wx");
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    const sha256 = hash.digest("hex");
    if (expectSha256 !== undefined && sha256 !== expectSha256) {
      await rm(tmp, { force: true });
      throw new Error(`the content's SHA-256 is ${sha256}, not ${expectSha256}`);
    }
    const path = this.path(sha256);
    if (await this.has(sha256)) await rm(tmp, { force: true });
    else {
      await mkdir(join(path, ".."), { recursive: true });
      await rename(tmp, path);
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

import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StagedContent } from "../../core/files/files.js";
import type { KeptUpload, Upload, UploadArea } from "../../core/files/resumable.js";

const OWNER_DIR = /^[0-9a-f]{32}$/;
const UPLOAD_FILE = /^([A-Za-z0-9_-]{24})\.(?:json|part|tmp)$/;

interface Paths {
  info: string;
  part: string;
  tmp: string;
}

/**
 * The uploads folder (`<dataDir>/uploads`, on the same file system as the
 * blobs, so a finished upload moves into the blob store by a rename): one
 * folder per user, named by a hash of the user id, holding `<id>.json` (the
 * upload) and `<id>.part` (the bytes so far) for each upload. Nothing a
 * client sends becomes part of a path: ids are checked by the core first.
 */
export class DiskUploadArea implements UploadArea {
  constructor(private readonly root: string) {}

  async open(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async create(u: Upload): Promise<void> {
    const dir = this.dirOf(u.owner);
    await mkdir(dir, { recursive: true });
    await writeFile(pathsIn(dir, u.id).part, new Uint8Array(0), { flag: "wx" });
    await this.save(u);
  }

  read(owner: string, id: string): Promise<Upload | undefined> {
    return readInfo(pathsIn(this.dirOf(owner), id).info);
  }

  async save(u: Upload): Promise<void> {
    const p = this.pathsOf(u);
    await writeFile(p.tmp, JSON.stringify(u));
    await rename(p.tmp, p.info);
  }

  async received(u: Upload): Promise<number | undefined> {
    return (await stat(this.pathsOf(u).part).catch(() => undefined))?.size;
  }

  async write(
    u: Upload,
    start: number,
    chunks: AsyncIterable<Uint8Array>,
    room: number,
  ): Promise<{ written: number; tooLong: boolean }> {
    const fh = await open(this.pathsOf(u).part, "r+");
    let written = 0;
    try {
      for await (const chunk of chunks) {
        if (written + chunk.length > room) {
          await fh.truncate(start);
          return { written: 0, tooLong: true };
        }
        await fh.write(chunk, 0, chunk.length, start + written);
        written += chunk.length;
      }
    } finally {
      await fh.close();
    }
    return { written, tooLong: false };
  }

  async staged(u: Upload): Promise<StagedContent> {
    const path = this.pathsOf(u).part;
    return { path, size: (await stat(path)).size, head: (n) => readHead(path, n) };
  }

  async remove(u: Upload): Promise<void> {
    await removeAll(this.pathsOf(u));
  }

  async unfinished(owner: string): Promise<number> {
    const names = await readdir(this.dirOf(owner)).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith(".part")).length;
  }

  async kept(owner?: string): Promise<KeptUpload[]> {
    const dirs =
      owner !== undefined
        ? [this.dirOf(owner)]
        : (await readdir(this.root).catch(() => [] as string[]))
            .filter((o) => OWNER_DIR.test(o))
            .map((o) => join(this.root, o));
    const out: KeptUpload[] = [];
    for (const dir of dirs) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const id of new Set(names.flatMap((n) => UPLOAD_FILE.exec(n)?.[1] ?? []))) {
        const p = pathsIn(dir, id);
        out.push({
          id,
          read: () => readInfo(p.info),
          touchedAt: async () => {
            const mtime = async (f: string) => (await stat(f).catch(() => undefined))?.mtimeMs ?? 0;
            return Math.max(...(await Promise.all([p.info, p.part, p.tmp].map(mtime))));
          },
          discard: () => removeAll(p),
        });
      }
    }
    return out;
  }

  private dirOf(owner: string): string {
    return join(this.root, createHash("sha256").update(owner).digest("hex").slice(0, 32));
  }

  private pathsOf(u: Upload): Paths {
    return pathsIn(this.dirOf(u.owner), u.id);
  }
}

function pathsIn(dir: string, id: string): Paths {
  return { info: join(dir, `${id}.json`), part: join(dir, `${id}.part`), tmp: join(dir, `${id}.tmp`) };
}

async function removeAll(p: Paths): Promise<void> {
  await Promise.all([p.part, p.tmp, p.info].map((f) => rm(f, { force: true })));
}

async function readInfo(path: string): Promise<Upload | undefined> {
  try {
    const u = JSON.parse(await readFile(path, "utf8")) as Partial<Upload>;
    const valid =
      typeof u.id === "string" &&
      typeof u.owner === "string" &&
      typeof u.length === "number" &&
      typeof u.name === "string" &&
      typeof u.metadata === "string" &&
      typeof u.createdAt === "number" &&
      (u.fileId === undefined || typeof u.fileId === "string");
    return valid ? (u as Upload) : undefined;
  } catch {
    return undefined;
  }
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

import { createHash } from "node:crypto";
import type { BlobStore } from "../../core/kernel/ports.js";
import type { KyselyStore } from "./kysely-store.js";

export interface BlobCopyReport {
  /** Blobs the copied rows name. */
  named: number;
  copied: number;
  /** Already in the target with the right content (a second run after an interrupted one). */
  present: number;
  /** Named by the source's rows but absent from its blob store: they were 404 before and stay so. */
  missing: string[];
}

const WHOLE = Number.MAX_SAFE_INTEGER;

/** Every content hash the store's rows name: files, their thumbnails, avatars. */
async function namedBlobs(store: KyselyStore): Promise<string[]> {
  const files = await store.db.selectFrom("files").select(["sha256", "thumb_sha256"]).execute();
  const avatars = await store.db.selectFrom("avatars").select("sha256").execute();
  const all = new Set<string>();
  for (const f of files) {
    all.add(f.sha256);
    if (f.thumb_sha256) all.add(f.thumb_sha256);
  }
  for (const a of avatars) all.add(a.sha256);
  return [...all].sort();
}

async function hashOf(blobs: BlobStore, sha256: string): Promise<string> {
  const h = createHash("sha256");
  for await (const part of blobs.read(sha256, 0, WHOLE)) h.update(part);
  return h.digest("hex");
}

/**
 * Copies the contents that `store`'s rows name from one blob store to
 * another, streaming each (never a whole file in memory), then reads every
 * one back from the target and checks its SHA-256: a blob is only counted
 * as copied once the target gives back exactly the bytes that name it.
 */
export async function copyBlobs(
  store: KyselyStore,
  from: BlobStore,
  to: BlobStore,
  progress?: (done: number, total: number) => void,
): Promise<BlobCopyReport> {
  const named = await namedBlobs(store);
  const report: BlobCopyReport = { named: named.length, copied: 0, present: 0, missing: [] };
  let done = 0;
  for (const sha256 of named) {
    if (!(await from.has(sha256))) report.missing.push(sha256);
    else if ((await to.has(sha256)) && (await hashOf(to, sha256)) === sha256) report.present++;
    else {
      // putStream refuses content whose hash is not sha256, so a damaged source blob is not copied as good.
      await to.putStream(from.read(sha256, 0, WHOLE), sha256);
      const back = await hashOf(to, sha256);
      if (back !== sha256) throw new Error(`blob ${sha256} reads back as ${back} from the target`);
      report.copied++;
    }
    progress?.(++done, named.length);
  }
  return report;
}

import { join, resolve } from "node:path";
import type { BlobStore } from "../../core/kernel/ports.js";
import { LocalBlobStore } from "./local-blob-store.js";
import { PgBlobStore } from "./pg-blob-store.js";

export type BlobStoreKind = "auto" | "database" | "folder";

const isPostgres = (db: string) => db.startsWith("postgres://") || db.startsWith("postgresql://");

/**
 * Chooses where file contents live (files.blobStore): `auto` is the
 * database when it is PostgreSQL, since then there may be several nodes and
 * each must read every file, and the data folder otherwise; `folder` is
 * files.blobDir (a mount every node shares, in a cluster) or <dataDir>/files.
 */
export async function openBlobStore(
  kind: BlobStoreKind,
  db: string,
  blobDir: string,
  dataDir: string,
): Promise<BlobStore> {
  const database = kind === "database" || (kind === "auto" && isPostgres(db));
  if (!database) return new LocalBlobStore(blobDir ? resolve(blobDir) : join(dataDir, "files"));
  if (!isPostgres(db))
    throw new Error("files.blobStore=database needs a PostgreSQL database (db=postgres://...)");
  return PgBlobStore.open({ url: db });
}

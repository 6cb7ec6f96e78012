export * from "./config/load.js";
export * from "./config/schema.js";
export { Admin, type GroupSummary, type UserSummary } from "./core/admin.js";
export { Core } from "./core/core.js";
export type { ImportReport } from "./core/directory/import-users.js";
export { nameKeys } from "./core/directory/pinyin.js";
export type { BlobStore, DomainRecord } from "./core/ports.js";
export { EMPTY_PROFILE, type UserRecord } from "./core/records.js";
export { indexTokens, tsVector } from "./core/search/tokens.js";
export {
  adminKey,
  openCore,
  type RunningServer,
  type RuntimeInfo,
  runtimeFile,
  SERVER_VERSION,
  startServer,
} from "./main.js";
export { Argon2Hasher } from "./platform/argon2-hasher.js";
export { createLogger } from "./platform/logger.js";
export { NodeRandom, SystemClock } from "./platform/node-random.js";
export { LocalBlobStore } from "./storage/local-blob-store.js";
export { PgBlobStore } from "./storage/pg-blob-store.js";
export { type BlobCopyReport, copyBlobs } from "./store/copy-blobs.js";
export { compareStores, copyStore } from "./store/copy-store.js";
export { KyselyStore } from "./store/kysely-store.js";
export { openPostgresStore } from "./store/postgres.js";
export { openSqliteStore } from "./store/sqlite.js";
export { backupDataDir, restoreDataDir } from "./store/sqlite-backup.js";

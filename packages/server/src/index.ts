export { LocalBlobStore } from "./adapters/blobs/local-blob-store.js";
export { PgBlobStore } from "./adapters/blobs/pg-blob-store.js";
export * from "./adapters/config/load.js";
export * from "./adapters/config/schema.js";
export { Argon2Hasher } from "./adapters/platform/argon2-hasher.js";
export { createLogger } from "./adapters/platform/logger.js";
export { NodeRandom, SystemClock } from "./adapters/platform/node-random.js";
export {
  readStartalkDirectory,
  type StartalkDirectory,
  type StartalkHost,
} from "./adapters/startalk/directory-source.js";
export { type BlobCopyReport, copyBlobs } from "./adapters/store/copy-blobs.js";
export { compareStores, copyStore } from "./adapters/store/copy-store.js";
export { KyselyStore } from "./adapters/store/kysely-store.js";
export { openPostgresStore } from "./adapters/store/postgres.js";
export { openSqliteStore } from "./adapters/store/sqlite.js";
export { backupDataDir, restoreDataDir } from "./adapters/store/sqlite-backup.js";
export { ensureTls } from "./adapters/tls/self-signed.js";
export { Admin, type GroupSummary, type UserSummary } from "./core/accounts/admin.js";
export type { BotTokenSummary } from "./core/bots/bots.js";
export { BOT_SCOPES, type BotScope } from "./core/bots/scopes.js";
export type { WebhookSummary } from "./core/bots/webhooks.js";
export { Core } from "./core/core.js";
export type { ImportReport } from "./core/directory/import-users.js";
export { nameKeys } from "./core/directory/pinyin.js";
export type { Federation } from "./core/federation/federation.js";
export type { NewLink } from "./core/federation/links.js";
export type { FederationPingRecord } from "./core/federation/store.js";
export type { BlobStore } from "./core/kernel/ports.js";
export {
  type DomainRecord,
  EMPTY_PROFILE,
  type FederationAllowList,
  type FederationLinkRecord,
  type UserRecord,
} from "./core/kernel/records.js";
export type { PushNotification, PushOutcome, PushProvider, PushTarget } from "./core/push/provider.js";
export { indexTokens, tsVector } from "./core/search/tokens.js";
export {
  adminKey,
  openCore,
  type RunningServer,
  type RuntimeInfo,
  runtimeFile,
  SERVER_VERSION,
  type ServerOptions,
  startServer,
} from "./main.js";

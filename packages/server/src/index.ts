export * from "./config/load.js";
export * from "./config/schema.js";
export { Admin, type GroupSummary, type UserSummary } from "./core/admin.js";
export { Core } from "./core/core.js";
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
export { KyselyStore } from "./store/kysely-store.js";
export { openSqliteStore } from "./store/sqlite.js";

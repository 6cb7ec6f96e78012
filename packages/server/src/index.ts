export * from "./config/load.js";
export * from "./config/schema.js";
export { Admin, type GroupSummary, type UserSummary } from "./core/admin.js";
export { Core } from "./core/core.js";
export { adminKey, openCore, type RunningServer, type RuntimeInfo, runtimeFile, SERVER_VERSION, startServer } from "./main.js";
export { createLogger } from "./platform/logger.js";

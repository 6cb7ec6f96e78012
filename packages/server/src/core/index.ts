export * from "./core.js";
export type { Actor } from "./groups/groups.js";
export * from "./kernel/errors.js";
export * from "./kernel/ids.js";
export * from "./kernel/limits.js";
export type * from "./kernel/ports.js";
export type * from "./kernel/records.js";
export type { SendResult } from "./messaging/send-pipeline.js";

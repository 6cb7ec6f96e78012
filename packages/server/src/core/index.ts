export * from "./core.js";
export * from "./errors.js";
export type { Actor } from "./groups.js";
export * from "./ids.js";
export * from "./limits.js";
export type * from "./ports.js";
export type * from "./records.js";
export type { SendResult } from "./send-pipeline.js";

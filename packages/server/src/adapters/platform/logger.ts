import pino from "pino";
import type { Logger } from "../../core/kernel/ports.js";

export function createLogger(level: string): Logger & { level: string } {
  return pino({ level, base: { svc: "starling" }, timestamp: pino.stdTimeFunctions.isoTime });
}

import type { Logger } from "../../src/core/kernel/ports.js";

/** A Logger that keeps the warnings and errors a server logs, to find a refusal's line. */
export class WarningLines implements Logger {
  readonly lines: { msg: string; fields: Record<string, unknown> }[] = [];
  debug() {}
  info() {}
  warn(fields: object, msg?: string) {
    this.lines.push({ msg: msg ?? "", fields: fields as Record<string, unknown> });
  }
  error(fields: object, msg?: string) {
    this.warn(fields, msg);
  }
  /** Whether a line with this message has these fields (and maybe more). */
  has(msg: string, fields: Record<string, unknown>): boolean {
    return this.lines.some(
      (l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l.fields[k] === v),
    );
  }
}

import { CloseCode, ErrorCode } from "./gen/starling/v1/error_pb.js";

export { CloseCode, ErrorCode };

/** The class of an error code, from its range (see error.proto). */
export type ErrorClass = "protocol" | "auth" | "request" | "throttle" | "server" | "unknown";

export function errorClass(code: number): ErrorClass {
  if (code >= 1000 && code < 2000) return "protocol";
  if (code >= 2000 && code < 3000) return "auth";
  if (code >= 3000 && code < 4000) return "request";
  if (code >= 4000 && code < 5000) return "throttle";
  if (code >= 5000 && code < 6000) return "server";
  return "unknown";
}

/** Whether the same request may succeed if sent again later. */
export function isRetryable(code: number): boolean {
  const c = errorClass(code);
  return c === "throttle" || c === "server";
}

/** Whether a client should reconnect after the server closed with this code. */
export function shouldReconnect(code: number): boolean {
  return code >= 4000 && code < 4500;
}

/**
 * An error with a wire code. Thrown by the server's core and by the SDK when
 * a request fails; `details` carries structured fields such as the limit
 * that was exceeded.
 */
export class StarlingError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number;
  readonly details: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { details?: Record<string, string>; retryAfterMs?: number; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = "StarlingError";
    this.code = code;
    this.retryable = opts.retryable ?? isRetryable(code);
    this.retryAfterMs = opts.retryAfterMs ?? 0;
    this.details = opts.details ?? {};
  }

  /** The code's enum name without prefix, e.g. "NOT_A_MEMBER". */
  get codeName(): string {
    return ErrorCode[this.code] ?? String(this.code);
  }
}

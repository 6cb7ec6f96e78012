import {
  CloseCode,
  ErrorCode,
  isRetryable,
  StarlingError,
  shouldReconnect,
  type WireError,
} from "@starling/protocol";

/**
 * The connection ended. `closeCode` is the WebSocket close status or the
 * code of the server's Goodbye, 0 when the link just dropped. Requests that
 * could not be retried on a new connection fail with this error; it is
 * retryable unless the server said not to reconnect.
 */
export class ConnectionClosedError extends StarlingError {
  readonly closeCode: number;

  constructor(closeCode: number, reason: string) {
    const fatal = isFatalClose(closeCode);
    super(fatal ? errorCodeForClose(closeCode) : ErrorCode.UNAVAILABLE, reason || "connection closed", {
      retryable: !fatal,
      details: { closeCode: String(closeCode) },
    });
    this.name = "ConnectionClosedError";
    this.closeCode = closeCode;
  }

  /** The server asked this client not to reconnect (close codes 4500-4999). */
  get fatal(): boolean {
    return isFatalClose(this.closeCode);
  }
}

/** No response arrived in time. The request may still have been carried out. */
export class RequestTimeoutError extends StarlingError {
  constructor(ms: number) {
    super(ErrorCode.UNAVAILABLE, `no response within ${ms} ms`, { retryable: true });
    this.name = "RequestTimeoutError";
  }
}

/** The app withdrew the send (StarlingClient.cancelSend) before it was ever transmitted: it is never stored. */
export class SendCancelledError extends Error {
  readonly clientMsgId: string;

  constructor(clientMsgId: string) {
    super(`send ${clientMsgId} cancelled`);
    this.name = "SendCancelledError";
    this.clientMsgId = clientMsgId;
  }
}

/** Close codes 4500-4999 forbid reconnecting; anything else (or none) is a drop. */
export function isFatalClose(code: number): boolean {
  return code >= 4000 && code < 5000 && !shouldReconnect(code);
}

function errorCodeForClose(code: number): ErrorCode {
  switch (code) {
    case CloseCode.AUTH_FAILED:
    case CloseCode.LOGGED_OUT:
      return ErrorCode.UNAUTHENTICATED;
    case CloseCode.ACCOUNT_DISABLED:
      return ErrorCode.ACCOUNT_DISABLED;
    case CloseCode.UNSUPPORTED_VERSION:
      return ErrorCode.UNSUPPORTED_VERSION;
    case CloseCode.PROTOCOL_ERROR:
      return ErrorCode.BAD_FRAME;
    default:
      return ErrorCode.UNAVAILABLE;
  }
}

export function errorFromWire(err: WireError): StarlingError {
  return new StarlingError(err.code, err.message || `error ${err.code}`, {
    retryable: err.retryable || isRetryable(err.code),
    retryAfterMs: err.retryAfterMs,
    details: { ...err.details },
  });
}

/** Whether sending the same request again later may succeed. */
export function isRetryableError(err: unknown): err is StarlingError {
  return err instanceof StarlingError && (err.retryable || isRetryable(err.code));
}

/**
 * Whether a failed login attempt must stop the client instead of trying
 * again: bad credentials, protocol mismatches and refused requests will not
 * fix themselves; throttling, server failures and drops might.
 */
export function isFatalConnectError(err: unknown): boolean {
  if (err instanceof ConnectionClosedError) return err.fatal;
  if (err instanceof StarlingError) return !isRetryableError(err);
  return false;
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

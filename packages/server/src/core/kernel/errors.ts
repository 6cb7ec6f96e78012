import { ErrorCode, StarlingError } from "@starling/protocol";

export { ErrorCode, StarlingError };

export function invalid(message: string, field?: string): StarlingError {
  return new StarlingError(ErrorCode.INVALID_ARGUMENT, message, field ? { details: { field } } : {});
}

export function notFound(message: string): StarlingError {
  return new StarlingError(ErrorCode.NOT_FOUND, message);
}

export function forbidden(message: string): StarlingError {
  return new StarlingError(ErrorCode.FORBIDDEN, message);
}

export function notAMember(): StarlingError {
  return new StarlingError(ErrorCode.NOT_A_MEMBER, "not a member of this conversation");
}

/** A storage or bus failure: the request was not carried out and may be retried. */
export function unavailable(): StarlingError {
  return new StarlingError(ErrorCode.UNAVAILABLE, "service temporarily unavailable", { retryAfterMs: 500 });
}

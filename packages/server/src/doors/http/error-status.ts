import { ErrorCode, errorClass, type StarlingError } from "@starling/protocol";

/** The one mapping from error codes to HTTP status. */
export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.NOT_FOUND:
    case ErrorCode.INVITE_INVALID:
    case ErrorCode.FEDERATION_NOT_LINKED:
      return 404;
    case ErrorCode.INVITE_EXPIRED:
    case ErrorCode.ACTIVATION_CODE_EXPIRED:
      return 410;
    case ErrorCode.FORBIDDEN:
    case ErrorCode.NOT_A_MEMBER:
    case ErrorCode.CROSS_DOMAIN:
    case ErrorCode.ACCOUNT_DISABLED:
    case ErrorCode.DOMAIN_DISABLED:
    case ErrorCode.PASSWORD_CHANGE_REQUIRED:
      return 403;
    case ErrorCode.CONFLICT:
    case ErrorCode.CLIENT_MSG_ID_REUSED:
    case ErrorCode.GROUP_FULL:
    case ErrorCode.CONVERSATION_CLOSED:
    case ErrorCode.RECALL_WINDOW_EXPIRED:
    case ErrorCode.EDIT_WINDOW_EXPIRED:
    case ErrorCode.FEDERATION_LINK_SUSPENDED:
    case ErrorCode.ACTIVATION_CODE_USED:
      return 409;
    case ErrorCode.LOGIN_LOCKED:
      return 429;
    case ErrorCode.FRAME_TOO_LARGE:
    case ErrorCode.FILE_TOO_LARGE:
      return 413;
    case ErrorCode.QUOTA_EXCEEDED:
      return 507;
    case ErrorCode.UNAVAILABLE:
    case ErrorCode.SHUTTING_DOWN:
      return 503;
  }
  switch (errorClass(code)) {
    case "protocol":
    case "request":
      return 400;
    case "auth":
      return 401;
    case "throttle":
      return 429;
    default:
      return 500;
  }
}

/** The JSON error shape of the HTTP API: the protocol's code, by name and number. */
export function errorBody(err: StarlingError): {
  code: string;
  number: number;
  message: string;
  details: Record<string, string>;
} {
  return { code: err.codeName, number: err.code, message: err.message, details: err.details };
}

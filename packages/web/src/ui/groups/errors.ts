import { ErrorCode, StarlingError } from "@starling/sdk";
import type { Strings } from "../../i18n.js";

/** A refused group request in the user's language (the server's own text only for bad input). */
export function groupErrorText(err: unknown, t: Strings): string {
  const code = err instanceof StarlingError ? err.code : undefined;
  switch (code) {
    case ErrorCode.FORBIDDEN:
      return t.grErrForbidden;
    case ErrorCode.INVITE_INVALID:
      return t.grErrInviteInvalid;
    case ErrorCode.INVITE_EXPIRED:
      return t.grErrInviteExpired;
    case ErrorCode.CROSS_DOMAIN:
      return t.grErrCrossDomain;
    case ErrorCode.GROUP_FULL:
      return t.grErrFull;
    case ErrorCode.CONVERSATION_CLOSED:
      return t.grErrClosed;
    case ErrorCode.NOT_A_MEMBER:
    case ErrorCode.NOT_FOUND:
      return t.grErrNotMember;
    case ErrorCode.INVALID_ARGUMENT:
      return `${t.grErrInvalid}${(err as StarlingError).message}`;
    default:
      return t.grErrFailed;
  }
}

import { ErrorCode } from "@starling/sdk";
import type { Strings } from "../../i18n.js";

/** A refused group request in the user's language (the server's own text only for bad input). */
export function groupErrorText(err: unknown, t: Strings): string {
  const e = err as { code?: number; message?: string };
  switch (e?.code) {
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
      return `${t.grErrInvalid}${e.message ?? ""}`;
    default:
      return t.grErrFailed;
  }
}

/** Fills `{key}` placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

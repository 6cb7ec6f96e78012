import { ErrorCode, StarlingError } from "@starling/sdk";
import type { Strings } from "../i18n.js";

/**
 * Why a recall was refused, in the interface's language: from the error's
 * code, never the server's own (English) message.
 */
export function recallErrorText(err: unknown, t: Strings): string {
  const code = err instanceof StarlingError ? err.code : undefined;
  switch (code) {
    case ErrorCode.RECALL_WINDOW_EXPIRED: {
      const ms = Number((err as StarlingError).details.window_ms);
      return ms >= 60_000
        ? t.recallExpiredWithin.replace("{minutes}", String(Math.round(ms / 60_000)))
        : t.recallExpired;
    }
    case ErrorCode.FORBIDDEN:
      return t.recallForbidden;
    case ErrorCode.CONFLICT:
      return t.recallAlready;
    case ErrorCode.NOT_FOUND:
      return t.recallGone;
    default:
      return t.recallFailed;
  }
}

/** Why an edit was refused, in the interface's language (as for a recall, from the code). */
export function editErrorText(err: unknown, t: Strings): string {
  const code = err instanceof StarlingError ? err.code : undefined;
  switch (code) {
    case ErrorCode.EDIT_WINDOW_EXPIRED: {
      const ms = Number((err as StarlingError).details.window_ms);
      return ms >= 60_000
        ? t.editExpiredWithin.replace("{minutes}", String(Math.round(ms / 60_000)))
        : t.editExpired;
    }
    case ErrorCode.FORBIDDEN:
      // An edit follows a send's rules: @all is the group owner's and admins'.
      return (err as StarlingError).details.reason === "mention_everyone"
        ? t.editMentionAll
        : t.editForbidden;
    case ErrorCode.NOT_FOUND:
    case ErrorCode.CONFLICT:
      return t.editGone;
    default:
      return t.editFailed;
  }
}

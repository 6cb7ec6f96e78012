import { ErrorCode, StarlingError } from "@starling/protocol";
import { invalid } from "../kernel/errors.js";

/**
 * What a bot token may be granted (docs/bots.md). A small fixed set: every operation a bot may
 * do names one of these at its door; an operation that names none is for people only.
 */
export const BOT_SCOPES = ["messages:send", "messages:read", "groups:read"] as const;

export type BotScope = (typeof BOT_SCOPES)[number];

/** Most scopes one token lists (each at most once). */
export const MAX_TOKEN_SCOPES = BOT_SCOPES.length;

/** The scopes asked for, checked against the fixed set; at least one, none twice. */
export function parseScopes(input: readonly string[]): BotScope[] {
  const out = new Set<BotScope>();
  for (const s of input) {
    if (!(BOT_SCOPES as readonly string[]).includes(s))
      throw invalid(`unknown scope ${s}; scopes are ${BOT_SCOPES.join(", ")}`, "scopes");
    out.add(s as BotScope);
  }
  if (out.size === 0) throw invalid("a token needs at least one scope", "scopes");
  return [...out];
}

/**
 * The one check of a bot's scopes. `granted` is undefined for a person's session, which may do
 * everything its account may; `needed` is undefined for an operation no scope opens. Which
 * conversations a bot may act in stays the core's usual rule: those it is a member of.
 */
export function requireScope(granted: readonly string[] | undefined, needed: BotScope | undefined): void {
  if (granted === undefined) return;
  if (needed !== undefined && granted.includes(needed)) return;
  throw new StarlingError(
    ErrorCode.FORBIDDEN,
    needed ? `this bot token lacks the scope ${needed}` : "bots may not do this",
    { details: { scope: needed ?? "" } },
  );
}

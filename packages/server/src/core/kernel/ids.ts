import { invalid } from "./errors.js";
import { MAX_DIRECT_PEER_LENGTH, MAX_DOMAIN_LENGTH, MAX_LOCAL_PART_LENGTH } from "./limits.js";

const LOCAL_PART = new RegExp(`^[a-z0-9][a-z0-9._-]{0,${MAX_LOCAL_PART_LENGTH - 1}}$`);
const DOMAIN = new RegExp(
  `^(?=.{1,${MAX_DOMAIN_LENGTH}}$)[a-z0-9]([a-z0-9-]{0,62})(\\.[a-z0-9]([a-z0-9-]{0,62}))*$`,
);

export function isValidDomain(domain: string): boolean {
  return DOMAIN.test(domain);
}

/**
 * The one place a bare user id becomes a full one: "Alice" -> "alice@<callerDomain>",
 * "alice@Example.com" -> "alice@example.com". `callerDomain` is always the domain of
 * whoever asks (a user's own domain; a domain administrator's domain; the server's
 * default domain for the server administrator, and for a login, where nobody is known
 * yet). Only the edges that know the caller call this; everything behind them takes
 * full ids only (`fullUserId`). Throws INVALID_ARGUMENT for a malformed id.
 */
export function completeUserId(input: string, callerDomain: string, field = "user_id"): string {
  const s = input.trim().toLowerCase();
  const at = s.indexOf("@");
  const local = at < 0 ? s : s.slice(0, at);
  const domain = at < 0 ? callerDomain : s.slice(at + 1);
  if (!LOCAL_PART.test(local) || !DOMAIN.test(domain)) {
    throw invalid(`not a valid user id: ${JSON.stringify(input.slice(0, 80))}`, field);
  }
  return `${local}@${domain}`;
}

export function completeUserIds(
  inputs: readonly string[],
  callerDomain: string,
  field = "user_ids",
): string[] {
  return inputs.map((id) => completeUserId(id, callerDomain, field));
}

/**
 * A full user id (trimmed, lower-cased), or INVALID_ARGUMENT: a bare id reaching this
 * far would have to guess a domain, which is how one domain's administrator once
 * created users in another.
 */
export function fullUserId(input: string, field = "user_id"): string {
  if (!input.includes("@")) {
    throw invalid(`a full user id (name@domain) is needed: ${JSON.stringify(input.slice(0, 80))}`, field);
  }
  return completeUserId(input, "", field);
}

export function domainOf(userId: string): string {
  return userId.slice(userId.indexOf("@") + 1);
}

export function localPartOf(userId: string): string {
  return userId.slice(0, userId.indexOf("@"));
}

// The 1:1 conversation id is a rule clients share, so it lives in @starling/protocol.
export { directConversationId, directPeers, isDirectConversationId as isDirectId } from "@starling/protocol";

const PEER = `[^|\\s]{3,${MAX_DIRECT_PEER_LENGTH}}`;
const CONVERSATION_ID = new RegExp(`^(d:${PEER}\\|${PEER}|g:[a-z0-9]{10,40})$`);

export function checkConversationId(id: string): string {
  if (!CONVERSATION_ID.test(id)) throw invalid("not a valid conversation id", "conversation_id");
  return id;
}

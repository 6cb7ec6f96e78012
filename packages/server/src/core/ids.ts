import { invalid } from "./errors.js";

const LOCAL_PART = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/;

export function isValidDomain(domain: string): boolean {
  return DOMAIN.test(domain);
}

/**
 * "Alice" -> "alice@<defaultDomain>", "alice@Example.com" -> "alice@example.com".
 * Throws INVALID_ARGUMENT for anything that is not a well-formed user id.
 */
export function normalizeUserId(input: string, defaultDomain: string, field = "user_id"): string {
  const s = input.trim().toLowerCase();
  const at = s.indexOf("@");
  const local = at < 0 ? s : s.slice(0, at);
  const domain = at < 0 ? defaultDomain : s.slice(at + 1);
  if (!LOCAL_PART.test(local) || !DOMAIN.test(domain)) {
    throw invalid(`not a valid user id: ${JSON.stringify(input.slice(0, 80))}`, field);
  }
  return `${local}@${domain}`;
}

export function domainOf(userId: string): string {
  return userId.slice(userId.indexOf("@") + 1);
}

export function localPartOf(userId: string): string {
  return userId.slice(0, userId.indexOf("@"));
}

/** The one conversation id of a 1:1 chat, the same whichever side creates it. */
export function directConversationId(a: string, b: string): string {
  return a < b ? `d:${a}|${b}` : `d:${b}|${a}`;
}

export function isDirectId(id: string): boolean {
  return id.startsWith("d:");
}

export function directPeers(id: string): [string, string] | undefined {
  if (!isDirectId(id)) return undefined;
  const bar = id.indexOf("|");
  if (bar < 0) return undefined;
  return [id.slice(2, bar), id.slice(bar + 1)];
}

const CONVERSATION_ID = /^(d:[^|\s]{3,140}\|[^|\s]{3,140}|g:[a-z0-9]{10,40})$/;

export function checkConversationId(id: string): string {
  if (!CONVERSATION_ID.test(id)) throw invalid("not a valid conversation id", "conversation_id");
  return id;
}

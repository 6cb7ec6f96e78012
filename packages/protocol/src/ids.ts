// The id rules every party shares: the server derives and checks them, clients derive the same
// ids without asking it.

/** Longest client_msg_id the server accepts by default (limits.maxClientMsgIdLength). */
export const MAX_CLIENT_MSG_ID_LENGTH = 64;

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const DIRECT_PREFIX = "d:";

/** The one conversation id of a 1:1 chat between two full user ids, the same whichever side creates it. */
export function directConversationId(a: string, b: string): string {
  return a < b ? `${DIRECT_PREFIX}${a}|${b}` : `${DIRECT_PREFIX}${b}|${a}`;
}

/** Whether the conversation id is a 1:1 chat's (group ids start with `g:`). */
export function isDirectConversationId(id: string): boolean {
  return id.startsWith(DIRECT_PREFIX);
}

/** The two user ids of a 1:1 conversation id, in the id's order, or undefined for any other id. */
export function directPeers(id: string): [string, string] | undefined {
  if (!isDirectConversationId(id)) return undefined;
  const bar = id.indexOf("|");
  if (bar < 0) return undefined;
  return [id.slice(DIRECT_PREFIX.length, bar), id.slice(bar + 1)];
}

/**
 * A client_msg_id the server accepts: 1 to `maxLength` printable ASCII characters
 * (no spaces). It is the message's idempotency key, so a client keeps it across resends.
 */
export function isValidClientMsgId(id: string, maxLength = MAX_CLIENT_MSG_ID_LENGTH): boolean {
  return id.length > 0 && id.length <= maxLength && PRINTABLE_ASCII.test(id);
}

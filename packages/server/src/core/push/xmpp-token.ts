/*
 * The token of an "xmpp" push device, which the XMPP door writes at <enable/> and the xmpp
 * provider reads: one format, here, for both.
 */

/** XEP-0357 section 5: the app server's JID, the node, and the publish-options (the client's secret). */
export interface XmppPushToken {
  jid: string;
  node: string;
  options: Record<string, string>;
}

/** Publish-options fields a client may give, at most (Conversations and Monal give one or two). */
const MAX_OPTIONS = 16;
/** Each part of a JID is at most 1023 bytes (RFC 7622 section 3), so a JID at most three times that. */
const MAX_JID_CHARS = 3071;
const MAX_NODE_CHARS = 1023;
const MAX_OPTION_CHARS = 1023;

/** The token for a registration, its keys always in this order (so one enable always gives one token). */
export function xmppPushToken(t: XmppPushToken): string {
  return JSON.stringify({ jid: t.jid, node: t.node, options: t.options });
}

/** The token as stored, or a sentence saying what is wrong with it. */
export function parseXmppPushToken(token: string): XmppPushToken | string {
  let v: unknown;
  try {
    v = JSON.parse(token);
  } catch {
    return "the token is not JSON";
  }
  if (typeof v !== "object" || v === null) return "the token is not a JSON object";
  const { jid, node, options } = v as Record<string, unknown>;
  if (typeof jid !== "string" || jid.length === 0 || jid.length > MAX_JID_CHARS || /[\s<>'"&]/.test(jid))
    return "the token's jid is not a JID";
  if (typeof node !== "string" || node.length === 0 || node.length > MAX_NODE_CHARS)
    return `the token's node must be 1-${MAX_NODE_CHARS} characters`;
  if (typeof options !== "object" || options === null || Array.isArray(options))
    return "the token's options must be an object";
  const entries = Object.entries(options);
  if (entries.length > MAX_OPTIONS) return `at most ${MAX_OPTIONS} publish-options`;
  for (const [k, val] of entries)
    if (typeof val !== "string" || k.length > MAX_OPTION_CHARS || val.length > MAX_OPTION_CHARS)
      return "each publish-option is a name and a text value";
  return { jid, node, options: options as Record<string, string> };
}

import { parseJid } from "./jid.js";
import { NS, stanzaError, type XElement } from "./stanza.js";
import type { ParsedElement } from "./xml-stream.js";

/** What a stream header asks for: a namespace refusal, or its domain ("" if none) and whether its version is 1.x. */
export interface HeaderCheck {
  refusal?: { condition: string; reason: string };
  domain: string;
  versionOk: boolean;
}

/**
 * The checks on a client's stream header that need nothing but the header
 * (RFC 6120 section 4.7; over WebSocket, RFC 7395's `<open/>` has no stream
 * namespace): the root and content namespaces over TCP, a bare domain in
 * `to`, version 1.x. Whether the server hosts the domain is the session's to ask.
 */
export function checkStreamHeader(h: ParsedElement, kind: "tcp" | "ws"): HeaderCheck {
  const to = parseJid(h.attrs.to ?? "");
  const check = {
    domain: to && !to.local && !to.resource ? to.domain : "",
    versionOk: /^1\.\d+$/.test(h.attrs.version ?? ""),
  };
  if (kind === "tcp" && (h.name !== "stream" || h.ns !== NS.stream))
    return {
      ...check,
      refusal: { condition: "invalid-namespace", reason: "the root must be stream:stream" },
    };
  if (kind === "tcp" && h.declared[""] !== NS.client)
    return {
      ...check,
      refusal: { condition: "invalid-namespace", reason: "the content namespace must be jabber:client" },
    };
  return check;
}

/**
 * The answer to a stanza refused by the rate limit when it expects one (an
 * IQ get or set, a message): `resource-constraint`, "wait" (RFC 6120 section
 * 8.3.3.18); undefined for what gets no answer.
 */
export function rateLimitAnswer(e: ParsedElement, from: string, to: string): XElement | undefined {
  const type = e.attrs.type;
  const answerable =
    (e.name === "iq" && (type === "get" || type === "set")) || (e.name === "message" && type !== "error");
  if (e.ns !== NS.client || !answerable) return undefined;
  return stanzaError(e, { type: "wait", condition: "resource-constraint", from: e.attrs.to ?? from, to });
}

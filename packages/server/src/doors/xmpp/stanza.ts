/** Namespaces of the parts of XMPP the gateway speaks. */
export const NS = {
  client: "jabber:client",
  stream: "http://etherx.jabber.org/streams",
  streams: "urn:ietf:params:xml:ns:xmpp-streams",
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas",
  tls: "urn:ietf:params:xml:ns:xmpp-tls",
  sasl: "urn:ietf:params:xml:ns:xmpp-sasl",
  bind: "urn:ietf:params:xml:ns:xmpp-bind",
  session: "urn:ietf:params:xml:ns:xmpp-session",
  framing: "urn:ietf:params:xml:ns:xmpp-framing",
  ping: "urn:xmpp:ping",
  discoInfo: "http://jabber.org/protocol/disco#info",
  discoItems: "http://jabber.org/protocol/disco#items",
  stanzaId: "urn:xmpp:sid:0",
  roster: "jabber:iq:roster",
  vcard: "vcard-temp",
  delay: "urn:xmpp:delay",
  oob: "jabber:x:oob",
  receipts: "urn:xmpp:receipts",
  markers: "urn:xmpp:chat-markers:0",
  chatStates: "http://jabber.org/protocol/chatstates",
  carbons: "urn:xmpp:carbons:2",
  forward: "urn:xmpp:forward:0",
  hints: "urn:xmpp:hints",
  mam: "urn:xmpp:mam:2",
  rsm: "http://jabber.org/protocol/rsm",
  dataForms: "jabber:x:data",
  muc: "http://jabber.org/protocol/muc",
  mucUser: "http://jabber.org/protocol/muc#user",
  retract: "urn:xmpp:message-retract:1",
  retract0: "urn:xmpp:message-retract:0",
  fasten: "urn:xmpp:fasten:0",
  fallback: "urn:xmpp:fallback:0",
  correct: "urn:xmpp:message-correct:0",
  reactions: "urn:xmpp:reactions:0",
  upload: "urn:xmpp:http:upload:0",
  sm: "urn:xmpp:sm:3",
} as const;

/**
 * An XML element as the gateway reads and writes it. `ns` is the resolved
 * namespace of a parsed element; elements built for output carry theirs as
 * an `xmlns` attribute, and `name` may be prefixed (`stream:features`).
 */
export interface XElement {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: (XElement | string)[];
}

type Child = XElement | string | undefined | false;

/** Builds an element for output; `undefined` and `false` children are left out. */
export function el(
  name: string,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): XElement {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
  return {
    name,
    ns: clean.xmlns ?? "",
    attrs: clean,
    children: children.filter((c): c is XElement | string => c !== undefined && c !== false),
  };
}

const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/**
 * Characters XML 1.0 cannot carry at all, not even as references (section 2.2, `Char`):
 * C0 controls other than tab, LF and CR, U+FFFE and U+FFFF, and UTF-16 halves without their
 * other half. The core refuses them in what it stores, but a row from before that, or text
 * from anywhere else, must not end a client's stream: they become U+FFFD.
 */
const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML forbids are what is replaced
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text and attribute values (all five predefined entities, RFC 6120 section 11.6),
 * and replaces what XML 1.0 forbids, so nothing serialised here can break a stream.
 */
export function escapeXml(text: string): string {
  return text.replace(NOT_XML_CHAR, "\uFFFD").replace(/[&<>"']/g, (c) => TEXT_ESCAPES[c] as string);
}

/** Opening tag text; used alone for the stream header, which stays open. */
export function openTag(name: string, attrs: Record<string, string>, selfClosing = false): string {
  let out = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) out += ` ${k}='${escapeXml(v)}'`;
  return out + (selfClosing ? "/>" : ">");
}

export function serialize(e: XElement): string {
  if (e.children.length === 0) return openTag(e.name, e.attrs, true);
  let out = openTag(e.name, e.attrs);
  for (const c of e.children) out += typeof c === "string" ? escapeXml(c) : serialize(c);
  return `${out}</${e.name}>`;
}

/** The first child element with this local name and namespace. */
export function child(e: XElement, name: string, ns: string): XElement | undefined {
  for (const c of e.children) if (typeof c !== "string" && c.name === name && c.ns === ns) return c;
  return undefined;
}

export function childElements(e: XElement): XElement[] {
  return e.children.filter((c): c is XElement => typeof c !== "string");
}

/** The element's character data (its direct text children). */
export function textOf(e: XElement): string {
  let out = "";
  for (const c of e.children) if (typeof c === "string") out += c;
  return out;
}

/** The stream features (RFC 6120 section 4.3.2) offered after a stream header. */
export function streamFeatures(...features: XElement[]): XElement {
  return el("stream:features", { "xmlns:stream": NS.stream }, ...features);
}

/** A stream error (RFC 6120 section 4.9), to be followed by the end of the stream. */
export function streamError(condition: string, text?: string): XElement {
  return el(
    "stream:error",
    { "xmlns:stream": NS.stream },
    el(condition, { xmlns: NS.streams }),
    text ? el("text", { xmlns: NS.streams }, text) : undefined,
  );
}

export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";

/**
 * The error answer to a stanza (RFC 6120 section 8.3): same kind and id,
 * from the entity it was sent to, back to its sender (neither named before
 * resource binding, when the stream itself is both).
 */
export function stanzaError(
  stanza: XElement,
  e: { type: StanzaErrorType; condition: string; from?: string; to?: string; text?: string },
): XElement {
  return el(
    stanza.name,
    { xmlns: NS.client, type: "error", id: stanza.attrs.id, from: e.from, to: e.to },
    el(
      "error",
      { type: e.type },
      el(e.condition, { xmlns: NS.stanzas }),
      e.text ? el("text", { xmlns: NS.stanzas }, e.text) : undefined,
    ),
  );
}

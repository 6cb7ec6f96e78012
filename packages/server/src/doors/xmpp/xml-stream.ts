import { type SaxesAttributeNS, SaxesParser, type SaxesTagNS } from "saxes";
import type { XElement } from "./stanza.js";

/**
 * The default largest stanza (or stream header, or run of text between stanzas), in
 * characters of XML; the gateway raises it to hold the longest message text allowed
 * (`XmppConfig.maxStanzaChars`). Checked after each chunk of input, so a parser never
 * holds more than this plus one chunk.
 */
export const MAX_STANZA_SIZE = 256 * 1024;

/** Nesting deeper than this inside one stanza is refused. */
export const MAX_DEPTH = 32;

/** The stream error conditions (RFC 6120 section 4.9.3) that bad XML ends a stream with. */
export type XmlFault =
  | "not-well-formed"
  | "restricted-xml"
  | "policy-violation"
  | "bad-namespace-prefix"
  | "unsupported-encoding";

export class XmlFaultError extends Error {
  constructor(
    readonly condition: XmlFault,
    message: string,
  ) {
    super(message);
  }
}

/** A parsed root or top-level element, with the namespaces it declares itself. */
export interface ParsedElement extends XElement {
  declared: Record<string, string>;
}

export interface XmlStreamEvents {
  /** The stream header (`<stream:stream>` over TCP, `<open/>` over WebSocket). */
  streamOpen(header: ParsedElement): void;
  /** One complete top-level element. */
  element(e: ParsedElement): void;
  /** The end of the stream (`</stream:stream>`). */
  streamClose(): void;
}

type Options = { xmlns: true; position: true };

/**
 * A strict streaming reader of XMPP's restricted XML (RFC 6120 section 11):
 * no DTD, no entity declarations or references beyond the predefined ones, no
 * comments or processing instructions; nothing is ever expanded or fetched.
 * In stream mode (TCP) the root element is the stream header and each of its
 * children is one element; in framed mode (WebSocket, RFC 7395) each root
 * element is one element and the caller makes a parser per message.
 */
export class XmlStreamParser {
  private parser!: SaxesParser<Options>;
  private decoder!: TextDecoder;
  private stack: ParsedElement[] = [];
  private opened = false;
  private mark = 0;
  private fault: XmlFaultError | undefined;

  constructor(
    private readonly events: XmlStreamEvents,
    private readonly framed = false,
    private readonly maxStanzaChars = MAX_STANZA_SIZE,
  ) {
    this.reset();
  }

  /** Starts over for a restarted stream (after STARTTLS or SASL, RFC 6120 sections 5.4.3.3 and 6.4.6). */
  reset(): void {
    this.decoder = new TextDecoder("utf-8", { fatal: true });
    this.stack = [];
    this.opened = false;
    this.mark = 0;
    this.fault = undefined;
    const p = new SaxesParser<Options>({ xmlns: true, position: true });
    p.on("error", (err) => this.failWith(faultOf(err.message), err.message));
    p.on("doctype", () => this.failWith("restricted-xml", "a DTD is not allowed"));
    p.on("processinginstruction", () =>
      this.failWith("restricted-xml", "processing instructions are not allowed"),
    );
    p.on("comment", () => this.failWith("restricted-xml", "comments are not allowed"));
    p.on("xmldecl", (decl) => {
      if (decl.encoding && decl.encoding.toLowerCase() !== "utf-8")
        this.failWith("unsupported-encoding", "only UTF-8 is supported");
    });
    p.on("opentag", (tag) => this.open(tag));
    p.on("closetag", () => this.close());
    p.on("text", (text) => this.text(text));
    p.on("cdata", (text) => this.text(text));
    this.parser = p;
  }

  /** Feeds bytes; throws XmlFaultError when the stream must end. */
  write(chunk: Uint8Array): void {
    if (this.fault) throw this.fault;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.failWith("not-well-formed", "invalid UTF-8");
      throw this.fault;
    }
    try {
      this.parser.write(text);
    } catch (err) {
      this.fault ??= err instanceof XmlFaultError ? err : new XmlFaultError("not-well-formed", String(err));
    }
    if (!this.fault && this.parser.position - this.mark > this.maxStanzaChars)
      this.fault = new XmlFaultError("policy-violation", `a stanza is larger than ${this.maxStanzaChars}`);
    if (this.fault) throw this.fault;
  }

  /** Framed mode: the message has ended, so an unclosed element is an error. */
  end(): void {
    if (this.fault) throw this.fault;
    try {
      this.parser.close();
    } catch (err) {
      this.fault ??= err instanceof XmlFaultError ? err : new XmlFaultError("not-well-formed", String(err));
    }
    if (this.fault) throw this.fault;
  }

  private failWith(condition: XmlFault, message: string): never {
    this.fault ??= new XmlFaultError(condition, message);
    // Thrown through saxes to stop it at once; write() turns it back into the fault.
    throw this.fault;
  }

  private open(tag: SaxesTagNS): void {
    const e: ParsedElement = {
      name: tag.local,
      ns: tag.uri,
      attrs: attributesOf(tag.attributes as Record<string, SaxesAttributeNS>),
      children: [],
      declared: { ...tag.ns },
    };
    if (!this.framed && !this.opened) {
      this.opened = true;
      this.mark = this.parser.position;
      this.events.streamOpen(e);
      return;
    }
    if (this.stack.length >= MAX_DEPTH) this.failWith("policy-violation", "elements nested too deeply");
    this.stack[this.stack.length - 1]?.children.push(e);
    this.stack.push(e);
  }

  private close(): void {
    const e = this.stack.pop();
    if (!e) {
      this.events.streamClose();
      return;
    }
    if (this.stack.length === 0) {
      this.mark = this.parser.position;
      this.events.element(e);
    }
  }

  private text(text: string): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      // Between stanzas only whitespace (keepalives) may appear.
      if (/[^ \t\r\n]/.test(text)) this.failWith("not-well-formed", "text between stanzas");
      this.mark = this.parser.position;
      return;
    }
    const last = top.children.length - 1;
    if (typeof top.children[last] === "string") top.children[last] += text;
    else top.children.push(text);
  }
}

function faultOf(message: string): XmlFault {
  if (message.includes("unbound namespace prefix")) return "bad-namespace-prefix";
  if (message.includes("undefined entity")) return "restricted-xml";
  return "not-well-formed";
}

/** Attributes by local name; those in a namespace (xml:lang) keep their prefix. Declarations are left out. */
function attributesOf(attributes: Record<string, SaxesAttributeNS>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of Object.values(attributes)) {
    if (a.prefix === "xmlns" || a.name === "xmlns") continue;
    out[a.prefix ? `${a.prefix}:${a.local}` : a.local] = a.value;
  }
  return out;
}

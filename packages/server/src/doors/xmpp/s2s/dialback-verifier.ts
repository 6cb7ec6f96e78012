import { randomUUID } from "node:crypto";
import net from "node:net";
import type { Logger } from "../../../core/kernel/ports.js";
import { listen } from "../../net/listen.js";
import { NS, openTag, serialize, streamError, textOf } from "../stanza.js";
import { type ParsedElement, XmlFaultError, XmlStreamParser } from "../xml-stream.js";
import type { DialbackKeys } from "./dialback-key.js";
import { S2S_NS } from "./s2s-stream.js";

export interface DialbackVerifierOptions {
  host: string;
  port: number;
  keys: DialbackKeys;
  /** A connection is closed after this long, answered or not. */
  timeoutMs: number;
  /** Connections open at once; further ones are refused. */
  maxConnections: number;
  maxStanzaChars: number;
  log: Logger;
}

/**
 * The authoritative side of Server Dialback (XEP-0220 section 2.2): a server we opened a
 * stream to connects back to our domain and asks, with <db:verify>, whether we issued the key
 * we gave it. This listener answers exactly that, for keys this process issued, and refuses
 * everything else with a stream error: it accepts no stream from other servers.
 */
export class DialbackVerifier {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly o: DialbackVerifierOptions) {}

  /** Listens; resolves with the port (the one given, or the one chosen for 0). */
  async start(): Promise<number> {
    const server = net.createServer((s) => this.accept(s));
    server.maxConnections = this.o.maxConnections;
    this.server = await listen(server, this.o.port, this.o.host);
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private accept(s: net.Socket): void {
    this.sockets.add(s);
    const timer = setTimeout(() => s.destroy(), this.o.timeoutMs);
    s.on("close", () => {
      clearTimeout(timer);
      this.sockets.delete(s);
    });
    s.on("error", () => {});
    const id = randomUUID();
    let header: ParsedElement | undefined;
    const refuse = (condition: string, text: string) => {
      if (!header) s.write(`<?xml version='1.0'?>${this.headerText(id, "")}`);
      s.end(`${serialize(streamError(condition, text))}</stream:stream>`);
    };
    const parser = new XmlStreamParser(
      {
        streamOpen: (h) => {
          header = h;
          if (h.name !== "stream" || h.ns !== NS.stream || h.declared[""] !== S2S_NS.server)
            return refuse("invalid-namespace", "a server stream is expected");
          // Features, empty but for dialback: nothing else is offered (RFC 6120 section 4.3.2).
          s.write(
            `<?xml version='1.0'?>${this.headerText(id, h.attrs.to ?? "")}<stream:features><dialback xmlns='${S2S_NS.dialbackFeature}'/></stream:features>`,
          );
        },
        element: (e) => {
          if (e.name !== "verify" || e.ns !== S2S_NS.dialback)
            return refuse("not-authorized", "this port only verifies dialback keys");
          const receiving = e.attrs.from ?? "";
          const originating = e.attrs.to ?? "";
          const streamId = e.attrs.id ?? "";
          const valid = this.o.keys.verify(receiving, originating, streamId, textOf(e).trim());
          if (!valid) this.o.log.info({ from: receiving, to: originating }, "dialback key not ours");
          s.write(
            openTag(
              "db:verify",
              { from: originating, to: receiving, id: streamId, type: valid ? "valid" : "invalid" },
              true,
            ),
          );
        },
        streamClose: () => s.end("</stream:stream>"),
      },
      false,
      this.o.maxStanzaChars,
    );
    s.on("data", (chunk: Buffer) => {
      try {
        parser.write(chunk);
      } catch (err) {
        const fault = err instanceof XmlFaultError ? err : new XmlFaultError("not-well-formed", String(err));
        refuse(fault.condition, fault.message);
      }
    });
  }

  private headerText(id: string, from: string): string {
    return openTag("stream:stream", {
      xmlns: S2S_NS.server,
      "xmlns:stream": NS.stream,
      "xmlns:db": S2S_NS.dialback,
      id,
      ...(from ? { from } : {}),
      version: "1.0",
    });
  }
}

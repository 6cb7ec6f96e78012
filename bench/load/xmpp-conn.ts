/**
 * A minimal XMPP client for the load generator: stream header, STARTTLS,
 * SASL SCRAM, resource binding, then raw stanza text out and an incremental
 * scan for `</message>` in. It speaks only to our own server, whose output
 * it knows (single-quoted attributes, no CDATA, no nested messages without
 * carbons), so it is a scanner, not an XML parser: a general client would
 * parse every stanza into a tree on the two cores the server also needs.
 */
import net from "node:net";
import tls from "node:tls";
import { ScramClient, type ScramMechanism } from "../lib/scram.js";

const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
const END_MESSAGE = "</message>";

export interface XmppLogin {
  host: string;
  port: number;
  domain: string;
  /** The local part of the user's JID. */
  user: string;
  password: string;
  resource: string;
  timeoutMs: number;
}

/**
 * Text arriving during the handshake, and at most one wait for a pattern in
 * it. Any stream error or SASL failure rejects the wait with what the
 * server said.
 */
class HandshakeReader {
  text = "";
  private waiter: { re: RegExp; resolve(m: RegExpExecArray): void; reject(err: Error): void } | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.text += chunk.toString("utf8");
    this.check();
  };
  private readonly onEnd = () =>
    this.fail(new Error(`connection closed during login: ${this.text.slice(-300)}`));
  private socket: net.Socket | undefined;

  attach(socket: net.Socket): void {
    this.detach();
    this.socket = socket;
    this.text = "";
    socket.on("data", this.onData);
    socket.on("close", this.onEnd);
  }

  /** Stops reading; whatever arrived after the last match is returned. */
  detach(): string {
    this.socket?.off("data", this.onData);
    this.socket?.off("close", this.onEnd);
    this.socket = undefined;
    return this.text;
  }

  fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failure);
  }

  /** Resolves with the first match of `re`, consuming the text up to its end. */
  expect(re: RegExp): Promise<RegExpExecArray> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { re, resolve, reject };
      this.check();
    });
  }

  private check(): void {
    const w = this.waiter;
    if (!w) return;
    const m = w.re.exec(this.text);
    if (m) {
      this.waiter = undefined;
      this.text = this.text.slice(m.index + m[0].length);
      w.resolve(m);
      return;
    }
    const bad = /<stream:error|<failure/.exec(this.text);
    if (bad) this.fail(new Error(`login refused: ${this.text.slice(bad.index, bad.index + 300)}`));
  }
}

const FEATURES = /<stream:features[^>]*>([\s\S]*?)<\/stream:features>/;

function header(domain: string): string {
  return `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' version='1.0'>`;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (text: string) => Buffer.from(text.trim(), "base64").toString("utf8");

/** Connects and logs in (STARTTLS, SCRAM-SHA-256 or -1, bind); rejects with what the server said. */
export async function connectXmpp(login: XmppLogin): Promise<XmppConn> {
  const reader = new HandshakeReader();
  let socket: net.Socket | undefined;
  const timer = setTimeout(() => {
    reader.fail(new Error(`no bound session within ${login.timeoutMs} ms`));
    socket?.destroy();
  }, login.timeoutMs);
  try {
    const raw = net.connect({ host: login.host, port: login.port });
    socket = raw;
    await new Promise<void>((resolve, reject) => {
      raw.once("connect", resolve);
      raw.once("error", reject);
      raw.once("close", () => reject(new Error("connection closed before it opened")));
    });
    raw.on("error", () => {}); // "close" follows
    raw.setNoDelay(true);
    reader.attach(raw);
    raw.write(header(login.domain));
    const plainFeatures = await reader.expect(FEATURES);
    if (!plainFeatures[1]?.includes(NS_TLS)) throw new Error("the server offers no STARTTLS");
    raw.write(`<starttls xmlns='${NS_TLS}'/>`);
    await reader.expect(/<proceed[^>]*\/>|<proceed[^>]*>\s*<\/proceed>/);
    reader.detach();

    // The server's certificate is self-signed: this client measures the server, it does not vet it.
    const secure = tls.connect({ socket: raw, rejectUnauthorized: false });
    socket = secure;
    secure.on("error", () => {});
    reader.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      secure.once("close", () => reject(new Error("TLS handshake failed")));
    });
    secure.write(header(login.domain));
    const saslFeatures = (await reader.expect(FEATURES))[1] ?? "";
    const mechanism: ScramMechanism | undefined = saslFeatures.includes(">SCRAM-SHA-256<")
      ? "SCRAM-SHA-256"
      : saslFeatures.includes(">SCRAM-SHA-1<")
        ? "SCRAM-SHA-1"
        : undefined;
    if (!mechanism) throw new Error(`no SCRAM mechanism offered: ${saslFeatures}`);
    await scramLogin(new ScramClient(mechanism, login.user, login.password), secure, reader);

    secure.write(header(login.domain));
    const bindFeatures = (await reader.expect(FEATURES))[1] ?? "";
    if (!bindFeatures.includes(NS_BIND)) throw new Error(`no resource binding offered: ${bindFeatures}`);
    secure.write(
      `<iq type='set' id='bind'><bind xmlns='${NS_BIND}'><resource>${login.resource}</resource></bind></iq>`,
    );
    const bound = await reader.expect(/<iq[^>]*>[\s\S]*?<\/iq>|<iq[^>]*\/>/);
    if (!/type='result'/.test(bound[0])) throw new Error(`bind refused: ${bound[0]}`);
    return new XmppConn(secure, reader.detach());
  } catch (err) {
    reader.detach();
    socket?.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function scramLogin(scram: ScramClient, socket: tls.TLSSocket, reader: HandshakeReader): Promise<void> {
  socket.write(`<auth xmlns='${NS_SASL}' mechanism='${scram.mechanism}'>${b64(scram.clientFirst())}</auth>`);
  const challenge = await reader.expect(/<challenge[^>]*>([^<]*)<\/challenge>/);
  socket.write(
    `<response xmlns='${NS_SASL}'>${b64(scram.clientFinal(unb64(challenge[1] ?? "")))}</response>`,
  );
  const success = await reader.expect(/<success[^>]*\/>|<success[^>]*>([^<]*)<\/success>/);
  if (!scram.verifyServerFinal(unb64(success[1] ?? "")))
    throw new Error("the server's SCRAM signature does not match the seeded keys");
}

/** Ignored until a scenario sets its own. */
const NOOP = () => {};

/** A logged-in XMPP session: stanza text out, each `<message>` in handed over by id. */
export class XmppConn {
  /**
   * One incoming message: its id attribute, and the stanza error condition
   * when it is a bounced send (type='error').
   */
  onMessage: (id: string, errorCondition: string | undefined) => void = NOOP;
  /** Called once when the socket is gone, whoever closed it. */
  onClose: () => void = NOOP;
  closed = false;
  /** The last stream error the server sent, if any (why it closed the stream). */
  streamError = "";
  private rest: string;

  constructor(
    private readonly socket: tls.TLSSocket,
    leftover: string,
  ) {
    this.rest = leftover;
    socket.on("data", (chunk: Buffer) => this.scan(chunk.toString("latin1")));
    socket.on("close", () => {
      if (this.closed) return;
      this.closed = true;
      this.onClose();
    });
  }

  write(text: string): void {
    if (!this.closed) this.socket.write(text);
  }

  close(): void {
    this.socket.destroy();
  }

  /**
   * Hands on every complete `<message>` in the text so far and keeps the
   * unfinished tail. Other stanzas between messages are skipped.
   */
  private scan(chunk: string): void {
    const buf = this.rest + chunk;
    let at = 0;
    for (let end = buf.indexOf(END_MESSAGE, at); end >= 0; end = buf.indexOf(END_MESSAGE, at)) {
      // The nearest opening before the end: a self-closed <message/> earlier on is passed over.
      const start = buf.lastIndexOf("<message", end);
      if (start >= at) this.message(buf, start, end);
      at = end + END_MESSAGE.length;
    }
    const errorAt = buf.indexOf("<stream:error", at);
    if (errorAt >= 0) this.streamError = buf.slice(errorAt, errorAt + 300);
    // Keep from an unfinished message on; else only enough tail for a "<message" split across reads.
    const next = buf.indexOf("<message", at);
    this.rest = next >= 0 ? buf.slice(next) : buf.slice(Math.max(at, buf.length - 8));
  }

  private message(buf: string, start: number, end: number): void {
    const tagEnd = buf.indexOf(">", start);
    const idAt = buf.indexOf(" id=", start);
    if (idAt < 0 || idAt > tagEnd) {
      this.onMessage("", undefined);
      return;
    }
    const quote = buf[idAt + 4] as string;
    const id = buf.slice(idAt + 5, buf.indexOf(quote, idAt + 5));
    const typeAt = buf.indexOf(" type='error'", start);
    if (typeAt < 0 || typeAt > tagEnd) {
      this.onMessage(id, undefined);
      return;
    }
    const condition = /<error[^>]*><([a-z-]+)/.exec(buf.slice(tagEnd, end));
    this.onMessage(id, condition?.[1] ?? "undefined-condition");
  }
}

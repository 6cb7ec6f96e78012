import net from "node:net";
import tls from "node:tls";

const NS_STREAM = "http://etherx.jabber.org/streams";

/** An XMPP stream header for `domain`. */
export const streamHeader = (domain: string) =>
  `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' xmlns:stream='${NS_STREAM}' version='1.0'>`;

/**
 * A hand-driven XMPP client over TCP, for the inputs no real client would
 * send. Waits on data and close events, never on timers.
 */
export class RawXmpp {
  text = "";
  closed = false;
  private socket: net.Socket | tls.TLSSocket;
  private wake: (() => void)[] = [];

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.watch(socket);
  }

  static async connect(port: number): Promise<RawXmpp> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawXmpp(socket);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves with everything read so far once it matches `re`, or the stream has ended. */
  async until(re: RegExp, what = re.source): Promise<string> {
    const deadline = Date.now() + 20_000;
    while (!re.test(this.text)) {
      if (this.closed) throw new Error(`stream ended before ${what}: ${this.text.slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${this.text.slice(-500)}`);
      await new Promise<void>((r) => {
        this.wake.push(r);
        setTimeout(r, 250).unref();
      });
    }
    return this.text;
  }

  /** Resolves once the server has closed the connection. */
  async ended(): Promise<string> {
    while (!this.closed) await new Promise<void>((r) => this.wake.push(r));
    return this.text;
  }

  /** Opens the stream, asks for STARTTLS and opens the stream again over TLS. */
  async startTls(domain: string): Promise<void> {
    this.write(streamHeader(domain));
    await this.until(/<starttls[^>]*>.*<\/stream:features>/s, "starttls feature");
    this.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    await this.until(/<proceed /, "proceed");
    this.socket.removeAllListeners("data");
    this.socket.removeAllListeners("close");
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false, servername: domain });
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve);
      secure.once("error", reject);
    });
    this.socket = secure;
    this.text = "";
    this.watch(secure);
    this.write(streamHeader(domain));
    await this.until(/<\/stream:features>/, "features over TLS");
  }

  /** SASL PLAIN (only offered over TLS), then a bound resource. */
  async loginPlain(user: string, password: string, resource = "raw"): Promise<void> {
    const creds = Buffer.from(`\0${user}\0${password}`).toString("base64");
    this.text = "";
    this.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${creds}</auth>`);
    await this.until(/<success /, "sasl success");
    this.text = "";
    this.write(streamHeader(user.split("@")[1] ?? ""));
    await this.until(/<\/stream:features>/, "features after login");
    this.write(
      `<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`,
    );
    await this.until(/<jid>/, "bound jid");
    this.text = "";
  }

  close(): void {
    this.socket.destroy();
  }

  private watch(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => {
      this.text += chunk.toString("utf8");
      this.notify();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }
}

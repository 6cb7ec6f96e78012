import assert from "node:assert/strict";
import { client, type XmlElement, type XmppClient } from "@xmpp/client";
import { passwordOf, type TestServer } from "./test-server.js";

// The test server's certificate is self-signed, and @xmpp/client's STARTTLS takes no TLS options.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

export const DOMAIN = "starling.local";

export interface XmppTcpOptions {
  mechanism?: string;
  password?: string;
  resource?: string;
}

/** An @xmpp/client connection over TCP with STARTTLS, recording the stanzas it receives. */
export class XmppTcp {
  readonly stanzas: XmlElement[] = [];
  readonly xmpp: XmppClient;
  private waiters: (() => void)[] = [];

  constructor(ts: TestServer, name: string, opts: XmppTcpOptions = {}) {
    const password = opts.password ?? passwordOf(name);
    this.xmpp = client({
      service: `xmpp://127.0.0.1:${ts.server.xmppPort}`,
      domain: DOMAIN,
      resource: opts.resource ?? "laptop",
      username: name,
      password,
      ...(opts.mechanism
        ? {
            credentials: (authenticate, mechanisms) => {
              assert.ok(mechanisms.includes(opts.mechanism as string), `offered: ${mechanisms.join(" ")}`);
              return authenticate({ username: name, password }, opts.mechanism as string);
            },
          }
        : {}),
    });
    this.xmpp.reconnect.stop();
    this.xmpp.on("error", () => {});
    this.xmpp.on("stanza", (s: XmlElement) => {
      this.stanzas.push(s);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
  }

  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 250).unref();
      });
    }
  }

  chats(): XmlElement[] {
    return this.stanzas.filter((s) => s.is("message") && s.attrs.type === "chat");
  }

  async stop(): Promise<void> {
    await this.xmpp.stop().catch(() => {});
  }
}

import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PresenceStatus } from "@starling/protocol";
import { type XmlElement, xml } from "@xmpp/client";
import * as XMPP from "stanza";
import type { Logger } from "../../../src/core/kernel/ports.js";
import { DEFAULT_XMPP_CONFIG, type XmppConfig } from "../../../src/doors/xmpp/xmpp-config.js";
import { XmppHub } from "../../../src/doors/xmpp/xmpp-hub.js";
import { startXmppListener } from "../../../src/doors/xmpp/xmpp-listener.js";
import { LOOPBACK_ANY_PORT, loadConfig, SystemClock, startServer } from "../../../src/index.js";
import { type Client, login } from "../../helpers/clients.js";
import { RawXmpp, streamHeader } from "../../helpers/raw-xmpp.js";
import { passwordOf, type TestServer } from "../../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../../helpers/xmpp-tcp.js";

const SM = "urn:xmpp:sm:3";

/** A Logger that keeps what the server logs, so tests can wait for "session detached" and the like. */
class LogRecorder implements Logger {
  readonly entries: { msg: string; obj: Record<string, unknown> }[] = [];
  private waiters: (() => void)[] = [];

  debug(obj: object, msg = ""): void {
    this.add(obj, msg);
  }
  info(obj: object, msg = ""): void {
    this.add(obj, msg);
  }
  warn(obj: object, msg = ""): void {
    this.add(obj, msg);
  }
  error(obj: object, msg = ""): void {
    this.add(obj, msg);
  }

  has(msg: string, user: string): boolean {
    return this.entries.some((e) => e.msg === msg && e.obj.user === user);
  }

  async until(msg: string, user: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!this.has(msg, user)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the log "${msg}" of ${user}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 250).unref();
      });
    }
  }

  private add(obj: object, msg: string): void {
    this.entries.push({ msg, obj: obj as Record<string, unknown> });
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** The test server of helpers/test-server.ts, started with a logger the test can read. */
async function startLoggedServer(log: Logger): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "starling-test-"));
  const config = loadConfig({
    env: {},
    flags: { dataDir, ...LOOPBACK_ANY_PORT, "log.level": "silent", durability: "normal" },
  });
  const server = await startServer(config, log);
  const ts: TestServer = {
    server,
    dataDir,
    domain: config.domain,
    wsUrl: `ws://127.0.0.1:${server.httpPort}/ws`,
    tlsUrl: `tls://127.0.0.1:${server.tcpPort}`,
    async addUser(name: string) {
      return (
        await server.core.accounts.createUser({ id: `${name}@${config.domain}`, password: passwordOf(name) })
      ).id;
    },
    stop: () => server.close(),
    restart: () => Promise.reject(new Error("not used here")),
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ts;
}

const jid = (name: string) => `${name}@${DOMAIN}`;
const ping = (id: string) => `<iq type='get' id='${id}'><ping xmlns='urn:xmpp:ping'/></iq>`;
const attr = (text: string, el: string, name: string) =>
  new RegExp(`<${el} [^>]*${name}='([^']*)'`).exec(text)?.[1];
const streamErrorOf = (text: string) =>
  /<stream:error[^>]*><([a-z-]+) xmlns='urn:ietf:params:xml:ns:xmpp-streams'/.exec(text)?.[1];

/** STARTTLS and SASL PLAIN up to the features of the authenticated stream; returns those features. */
async function authenticate(
  port: number,
  name: string,
  password = passwordOf(name),
): Promise<{ r: RawXmpp; features: string }> {
  const r = await RawXmpp.connect(port);
  await r.startTls(DOMAIN);
  r.text = "";
  const creds = Buffer.from(`\0${jid(name)}\0${password}`).toString("base64");
  r.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${creds}</auth>`);
  await r.until(/<success /, "sasl success");
  r.text = "";
  r.write(streamHeader(DOMAIN));
  const features = await r.until(/<\/stream:features>/, "features after login");
  r.text = "";
  return { r, features };
}

async function bind(r: RawXmpp, resource: string): Promise<string> {
  r.text = "";
  r.write(
    `<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`,
  );
  const text = await r.until(/<\/jid>/, "bound jid");
  r.text = "";
  return /<jid>([^<]*)<\/jid>/.exec(text)?.[1] ?? "";
}

/** `<enable resume='true'/>`; returns the resumption id. */
async function enable(r: RawXmpp): Promise<string> {
  r.write(`<enable xmlns='${SM}' resume='true'/>`);
  const text = await r.until(/<enabled [^>]*\/>/, "enabled");
  return attr(text, "enabled", "id") ?? "";
}

/** A logged-in, bound session with resumable stream management. */
async function managed(port: number, name: string, resource: string): Promise<{ r: RawXmpp; id: string }> {
  const { r } = await authenticate(port, name);
  await bind(r, resource);
  const id = await enable(r);
  r.text = "";
  return { r, id };
}

describe("XMPP stream management (XEP-0198)", () => {
  const log = new LogRecorder();
  let ts: TestServer;
  let port: number;
  let bob: Client;
  const raws: RawXmpp[] = [];
  const track = <T extends { r: RawXmpp }>(x: T): T => {
    raws.push(x.r);
    return x;
  };
  const online = (name: string) => ts.server.core.presence.state(jid(name)).status !== PresenceStatus.OFFLINE;

  before(async () => {
    ts = await startLoggedServer(log);
    port = ts.server.xmppPort;
    for (const name of ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivan", "judy"])
      await ts.addUser(name);
    bob = await login(ts, "bob");
  });
  after(async () => {
    for (const r of raws) r.close();
    await bob.close();
    await ts.close();
  });

  test("sm is offered after SASL; enable before auth or binding, and twice, fails", async () => {
    const r = await RawXmpp.connect(port);
    raws.push(r);
    await r.startTls(DOMAIN);
    assert.ok(!r.text.includes(SM), "not offered before authentication");
    r.text = "";
    r.write(`<enable xmlns='${SM}' resume='true'/>`);
    r.write(`<resume xmlns='${SM}' previd='abc' h='0'/>`);
    const refused = await r.until(/<\/failed>.*<\/failed>/s, "two failed");
    assert.equal(refused.match(/<failed xmlns='urn:xmpp:sm:3'><not-authorized /g)?.length, 2);

    const { r: a, features } = track(await authenticate(port, "alice"));
    assert.match(features, /<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'\/>/);
    assert.match(features, /<sm xmlns='urn:xmpp:sm:3'\/>/);
    a.write(`<enable xmlns='${SM}' resume='true'/>`);
    assert.match(await a.until(/<\/failed>/), /<unexpected-request /, "enable comes after binding");
    await bind(a, "first");
    a.write(`<enable xmlns='${SM}' resume='true'/>`);
    const text = await a.until(/<enabled [^>]*\/>/);
    const id = attr(text, "enabled", "id") ?? "";
    assert.ok(id.length >= 20, "an unguessable id");
    assert.equal(attr(text, "enabled", "resume"), "true");
    assert.equal(attr(text, "enabled", "max"), "300");
    a.text = "";
    a.write(`<enable xmlns='${SM}' resume='true'/>`);
    assert.match(await a.until(/<\/failed>/), /<unexpected-request /, "a second enable");
    a.text = "";
    a.write(`<resume xmlns='${SM}' previd='${id}' h='0'/>`);
    assert.match(await a.until(/<\/failed>/), /<unexpected-request /, "resume after binding");
    a.write("</stream:stream>");
    await a.ended();
  });

  test("<r/> is answered with the count of handled stanzas; the server asks for acks", async () => {
    const { r } = track(await managed(port, "carol", "desk"));
    for (const id of ["p1", "p2", "p3"]) r.write(ping(id));
    r.write(`<r xmlns='${SM}'/>`);
    const text = await r.until(/<a xmlns='urn:xmpp:sm:3' h='\d+'\/>/, "ack");
    assert.equal(attr(text, "a", "h"), "3");
    assert.ok(text.indexOf("id='p3'") < text.indexOf("<a "), "the results went out before the ack");
    // Three results wait for an ack: the server asks for one.
    await r.until(/<r xmlns='urn:xmpp:sm:3'\/>/, "ack request");
    r.write(`<a xmlns='${SM}' h='3'/>`);
    r.text = "";
    r.write(ping("p4"));
    r.write(`<r xmlns='${SM}'/>`);
    assert.equal(attr(await r.until(/<a [^>]*\/>/), "a", "h"), "4");
    r.write("</stream:stream>");
    await r.ended();
  });

  test("an ack for more than was sent: undefined-condition with handled-count-too-high", async () => {
    const { r } = track(await managed(port, "dave", "desk"));
    r.write(ping("p1"));
    r.write(ping("p2"));
    await r.until(/id='p2'/);
    r.write(`<a xmlns='${SM}' h='5'/>`);
    const text = await r.ended();
    assert.equal(streamErrorOf(text), "undefined-condition");
    assert.match(text, /<handled-count-too-high xmlns='urn:xmpp:sm:3' h='5' send-count='2'\/>/);
  });

  test("a dropped TCP stream is resumed: what came while detached arrives, acked stanzas are not resent", async () => {
    const { r: first, id } = track(await managed(port, "alice", "phone"));
    first.write(ping("p1"));
    first.write(ping("p2"));
    await first.until(/id='p2'/);
    first.write(`<a xmlns='${SM}' h='1'/>`);
    first.write(`<r xmlns='${SM}'/>`);
    await first.until(/<a [^>]*\/>/, "the server has read the ack");
    first.close();
    await log.until("xmpp session detached", jid("alice"));
    assert.ok(online("alice"), "a detached session still counts as connected");
    await bob.sdk.send({ to: "alice", text: "while you were away" });

    const { r: second } = track(await authenticate(port, "alice"));
    second.write(`<resume xmlns='${SM}' previd='${id}' h='1'/>`);
    const text = await second.until(/while you were away/, "the message sent while detached");
    assert.equal(attr(text, "resumed", "previd"), id);
    assert.equal(attr(text, "resumed", "h"), "2", "the server's count of handled stanzas");
    assert.ok(!text.includes("id='p1'"), "an acknowledged stanza is not resent");
    assert.ok(text.indexOf("id='p2'") < text.indexOf("while you were away"), "the rest, in order");
    assert.match(text, /<message [^>]*from='bob@starling.local\/starling' to='alice@starling.local\/phone'/);
    assert.ok(log.has("xmpp session resumed", jid("alice")));
    // The same session carries on: same full JID, counting on from where it was.
    second.text = "";
    second.write(ping("p3"));
    second.write(`<r xmlns='${SM}'/>`);
    const after = await second.until(/<a [^>]*\/>/);
    assert.match(after, /id='p3' to='alice@starling.local\/phone'/);
    assert.equal(attr(after, "a", "h"), "3");
    assert.ok(online("alice"));
    second.write("</stream:stream>");
    await second.ended();
  });

  test("a resume while the old connection is still open moves the session and ends the old stream", async () => {
    const { r: old, id } = track(await managed(port, "erin", "laptop"));
    const { r: fresh } = track(await authenticate(port, "erin"));
    fresh.write(`<resume xmlns='${SM}' previd='${id}' h='0'/>`);
    await fresh.until(/<resumed /, "resumed");
    assert.equal(streamErrorOf(await old.ended()), "conflict");
    await bob.sdk.send({ to: "erin", text: "on the new connection" });
    await fresh.until(/on the new connection/, "a push on the resumed stream");
    assert.ok(online("erin"));
    fresh.write("</stream:stream>");
    await fresh.ended();
    assert.ok(!online("erin"), "the session ended once, with its last stream");
  });

  test("an unknown previd, or another user's, fails with item-not-found and the client binds instead", async () => {
    const { r: franks, id } = track(await managed(port, "frank", "desk"));
    const { r } = track(await authenticate(port, "gina"));
    r.write(`<resume xmlns='${SM}' previd='no-such-session' h='0'/>`);
    assert.match(await r.until(/<\/failed>/), /<failed xmlns='urn:xmpp:sm:3'><item-not-found /);
    r.text = "";
    r.write(`<resume xmlns='${SM}' previd='${id}' h='0'/>`);
    assert.match(await r.until(/<\/failed>/), /<item-not-found /, "frank's session is not gina's");
    assert.equal(await bind(r, "tablet"), `${jid("gina")}/tablet`);
    franks.write(ping("still-mine"));
    await franks.until(/id='still-mine'/, "frank's stream is untouched");
  });

  test("changing the password ends a detached session: it cannot be resumed", async () => {
    await ts.addUser("kyle");
    const changer = await login(ts, "kyle");
    try {
      const { r, id } = track(await managed(port, "kyle", "phone"));
      r.close();
      await log.until("xmpp session detached", jid("kyle"));
      await changer.sdk.changePassword(passwordOf("kyle"), "kyles-new-password");
      await log.until("xmpp stream error", jid("kyle"));
      const { r: again } = track(await authenticate(port, "kyle", "kyles-new-password"));
      again.write(`<resume xmlns='${SM}' previd='${id}' h='0'/>`);
      assert.match(await again.until(/<\/failed>/), /<item-not-found /);
    } finally {
      await changer.close();
    }
  });

  test("a clean </stream> ends the session: it cannot be resumed", async () => {
    const { r, id } = track(await managed(port, "hank", "desk"));
    r.write("</stream:stream>");
    await r.ended();
    assert.ok(!online("hank"));
    const { r: again } = track(await authenticate(port, "hank"));
    again.write(`<resume xmlns='${SM}' previd='${id}' h='0'/>`);
    assert.match(await again.until(/<\/failed>/), /<item-not-found /);
  });

  test("@xmpp/client turns stream management on by itself", async () => {
    const c = new XmppTcp(ts, "ivan");
    try {
      // start() resolves once bound; <enabled/> follows.
      const enabled = new Promise<XmlElement>((resolve) =>
        c.xmpp.on("nonza", (n) => {
          if (n.is("enabled", SM)) resolve(n);
        }),
      );
      await c.xmpp.start();
      const e = await enabled;
      assert.equal(e.attrs.resume, "true");
      assert.ok(e.attrs.id);
      assert.ok(
        await c.xmpp.iqCaller.request(
          xml("iq", { type: "get", to: DOMAIN }, xml("ping", { xmlns: "urn:xmpp:ping" })),
        ),
      );
    } finally {
      await c.stop();
    }
  });

  test("stanza over WebSocket resumes after the socket is killed and gets the message it missed", async () => {
    const agent = XMPP.createClient({
      jid: jid("judy"),
      password: passwordOf("judy"),
      resource: "browser",
      allowResumption: true,
      transports: { websocket: `ws://127.0.0.1:${ts.server.httpPort}/xmpp`, bosh: false },
    });
    // The session starts once bound; <enabled/> follows.
    const enabled = new Promise<void>((resolve) =>
      agent.on("sm", (sm) => {
        if (sm.type === "enabled") resolve();
      }),
    );
    agent.connect();
    await enabled;
    assert.ok(agent.sm.id, "resumable stream management is on");
    const dropped = once(agent, "disconnected");
    (agent.transport as unknown as { socket: { terminate(): void } }).socket.terminate();
    await dropped;
    await log.until("xmpp session detached", jid("judy"));
    await bob.sdk.send({ to: "judy", text: "sent while the socket was gone" });

    const resumed = once(agent, "stream:management:resumed");
    const chat = new Promise<{ from: string }>((resolve) => {
      agent.on("chat", (m) => {
        if (m.body === "sent while the socket was gone") resolve(m);
      });
    });
    agent.connect();
    await resumed;
    const m = await chat;
    assert.equal(m.from, `${jid("bob")}/starling`);
    assert.equal(agent.jid, `${jid("judy")}/browser`);
    await agent.ping(DOMAIN);
    const ended = once(agent, "disconnected");
    agent.disconnect();
    await ended;
  });
});

describe("XMPP stream management limits", () => {
  const log = new LogRecorder();
  let ts: TestServer;
  const listeners: Server[] = [];
  const hubs: XmppHub[] = [];
  const raws: RawXmpp[] = [];
  const online = (name: string) => ts.server.core.presence.state(jid(name)).status !== PresenceStatus.OFFLINE;

  /** A gateway of its own on the test server's core, with a short resumption window and a small queue. */
  async function gateway(config: Partial<XmppConfig>): Promise<{ hub: XmppHub; port: number }> {
    const hub = new XmppHub(
      ts.server.core,
      new SystemClock(),
      log,
      { ...DEFAULT_XMPP_CONFIG, ackRequestEvery: 1000, ackRequestDelayMs: 60_000, ...config },
      async (domain) => domain === DOMAIN,
    );
    const dir = join(ts.dataDir, "tls");
    const server = await startXmppListener(
      {
        host: "127.0.0.1",
        port: 0,
        tls: {
          key: readFileSync(join(dir, "key.pem")),
          cert: readFileSync(join(dir, "cert.pem")),
          minVersion: "1.2",
        },
        tlsHandshakeTimeoutMs: 10_000,
      },
      hub,
      log,
    );
    hubs.push(hub);
    listeners.push(server);
    const address = server.address();
    return { hub, port: typeof address === "object" && address ? address.port : 0 };
  }

  before(async () => {
    ts = await startLoggedServer(log);
    for (const name of ["alice", "bob", "carol"]) await ts.addUser(name);
  });
  after(async () => {
    for (const r of raws) r.close();
    for (const h of hubs) h.shutdown();
    await Promise.all(listeners.map((l) => new Promise((r) => l.close(r))));
    await ts.close();
  });

  test("a detached session not resumed in time ends: the user goes offline and the id is gone", async () => {
    const { port } = await gateway({ resumeTimeoutMs: 300 });
    const { r, id } = await managed(port, "alice", "phone");
    raws.push(r);
    r.close();
    await log.until("xmpp session detached", jid("alice"));
    assert.ok(online("alice"));
    await log.until("xmpp session not resumed in time", jid("alice"));
    assert.ok(!online("alice"));
    const { r: again } = await authenticate(port, "alice");
    raws.push(again);
    again.write(`<resume xmlns='${SM}' previd='${id}' h='0'/>`);
    assert.match(await again.until(/<\/failed>/), /<item-not-found /);
    assert.equal(await bind(again, "phone"), `${jid("alice")}/phone`);
  });

  test("unacknowledged stanzas beyond the limit end the stream with policy-violation", async () => {
    const { port } = await gateway({ maxUnackedStanzas: 5 });
    const { r } = await managed(port, "bob", "desk");
    raws.push(r);
    for (let i = 0; i < 6; i++) r.write(ping(`p${i}`));
    const text = await r.ended();
    assert.equal(streamErrorOf(text), "policy-violation");
    assert.ok(text.includes("id='p4'") && !text.includes("id='p5'"));
    assert.ok(!online("bob"));
  });

  test("a shutdown ends detached sessions too", async () => {
    const { hub, port } = await gateway({ resumeTimeoutMs: 600_000 });
    const { r } = await managed(port, "carol", "desk");
    raws.push(r);
    r.close();
    await log.until("xmpp session detached", jid("carol"));
    assert.ok(online("carol"));
    assert.equal(hub.sessionCount, 1);
    hub.shutdown();
    assert.ok(!online("carol"));
    assert.equal(hub.sessionCount, 0);
  });
});

import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { CloseCode, ErrorCode } from "@starling/protocol";
import WebSocket from "ws";
import { waitUntil } from "../../helpers/poll.js";
import { RawClient } from "../../helpers/raw-client.js";
import { RawXmpp, streamHeader } from "../../helpers/raw-xmpp.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** Waits for a state of the server to hold. */
const eventually = waitUntil;

/** A plain TCP socket, connected. */
async function rawSocket(port: number): Promise<net.Socket> {
  const s = net.connect(port, "127.0.0.1");
  s.on("error", () => {});
  await once(s, "connect");
  return s;
}

/** Resolves when the server has closed `s`; fails the test if that takes longer than the limit. */
function closed(s: net.Socket, what: string): Promise<void> {
  if (s.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} still open`)), 20_000);
    s.once("close", () => {
      clearTimeout(t);
      resolve();
    });
    s.resume();
  });
}

/** A native WebSocket connection; resolves with its close status. */
async function wsCloseCode(url: string, hello?: () => Uint8Array): Promise<number> {
  const ws = new WebSocket(url);
  ws.on("error", () => {});
  if (hello) ws.on("open", () => ws.send(hello()));
  const [code] = (await once(ws, "close")) as [number];
  return code;
}

const opened = (ts: TestServer) => ts.server.core.connections.openFrom("127.0.0.1");

describe("TLS handshake timeout", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.tlsHandshakeTimeoutMs": 300, "limits.loginTimeoutMs": 600_000 });
  });
  after(() => ts.close());

  test("50 sockets that never start TLS on the native port are closed", async () => {
    const sockets = await Promise.all(Array.from({ length: 50 }, () => rawSocket(ts.server.tcpPort)));
    await Promise.all(sockets.map((s, i) => closed(s, `socket ${i}`)));
    await eventually(() => opened(ts).total === 0, "the counts to drop");
  });

  test("10 XMPP streams that ask for STARTTLS and never negotiate it are closed", async () => {
    const streams = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const x = await RawXmpp.connect(ts.server.xmppPort);
        x.write(streamHeader(ts.domain));
        await x.until(/<starttls/);
        x.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        await x.until(/<proceed /);
        return x;
      }),
    );
    await Promise.all(streams.map((x) => x.ended()));
  });
});

describe("login timeout", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.loginTimeoutMs": 300 });
  });
  after(() => ts.close());

  test("native connections that never send Hello are closed with HANDSHAKE_TIMEOUT", async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => RawClient.connect(ts.server.tcpPort)));
    for (const c of clients) {
      await c.closedByServer();
      assert.equal(c.goodbye()?.code, CloseCode.HANDSHAKE_TIMEOUT);
      assert.equal(c.goodbye()?.reconnect, true);
    }
    assert.equal(await wsCloseCode(ts.wsUrl), CloseCode.HANDSHAKE_TIMEOUT);
  });

  test("XMPP streams that never log in are closed, over TCP and WebSocket", async () => {
    const streams = await Promise.all(Array.from({ length: 10 }, () => RawXmpp.connect(ts.server.xmppPort)));
    for (const x of streams) assert.match(await x.ended(), /connection-timeout/);
    const ws = new WebSocket(`ws://127.0.0.1:${ts.server.httpPort}/xmpp`, "xmpp");
    ws.on("error", () => {});
    let text = "";
    ws.on("message", (d) => {
      text += d.toString();
    });
    await once(ws, "close");
    assert.match(text, /connection-timeout/);
  });
});

describe("per-address caps", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({
      "limits.maxUnauthenticatedPerAddress": 5,
      "limits.maxConnectionsPerAddress": 8,
      "limits.loginTimeoutMs": 600_000,
      "limits.tlsHandshakeTimeoutMs": 600_000,
    });
    await ts.addUser("alice");
  });
  after(() => ts.close());

  test("the 6th connection waiting to log in is refused, on every door", async () => {
    const waiting = await Promise.all(Array.from({ length: 5 }, () => rawSocket(ts.server.tcpPort)));
    await eventually(() => opened(ts).unauthenticated === 5, "5 unauthenticated connections");
    await closed(await rawSocket(ts.server.tcpPort), "6th native socket");
    // The count is shared: the XMPP and WebSocket doors refuse too, and say why.
    const x = await RawXmpp.connect(ts.server.xmppPort);
    assert.match(await x.ended(), /policy-violation/);
    assert.equal(await wsCloseCode(ts.wsUrl), CloseCode.TOO_MANY_CONNECTIONS);
    for (const s of waiting) s.destroy();
    await eventually(() => opened(ts).total === 0, "the counts to drop");
  });

  test("logged-in connections count towards the total only; the 9th connection is refused", async () => {
    const sessions: RawClient[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await RawClient.connect(ts.server.tcpPort);
      c.hello(1, "alice", passwordOf("alice"));
      await c.until((x) => x.response(1) !== undefined);
      assert.equal(c.response(1)?.body.case, "welcome");
      sessions.push(c);
    }
    const xmpps: RawXmpp[] = [];
    for (let i = 0; i < 4; i++) {
      const x = await RawXmpp.connect(ts.server.xmppPort);
      await x.startTls(ts.domain);
      await x.loginPlain(`alice@${ts.domain}`, passwordOf("alice"), `r${i}`);
      xmpps.push(x);
    }
    await eventually(() => opened(ts).total === 8 && opened(ts).unauthenticated === 0, "8 sessions");
    await closed(await rawSocket(ts.server.tcpPort), "9th native socket");
    await closed(await rawSocket(ts.server.xmppPort), "9th xmpp socket");
    await closed(await rawSocket(ts.server.httpPort), "9th http socket");
    sessions[0]?.close();
    await eventually(() => opened(ts).total === 7, "a slot to free");
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    assert.equal(c.response(1)?.body.case, "welcome");
    for (const s of [...sessions, c]) s.close();
    for (const x of xmpps) x.close();
  });
});

describe("per-user session cap", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.maxSessionsPerUser": 3 });
    await ts.addUser("bob");
  });
  after(() => ts.close());

  const login = async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "bob", passwordOf("bob"));
    await c.until((x) => x.response(1) !== undefined);
    return c;
  };

  test("a 4th session of one user is refused with TOO_MANY_SESSIONS, native and XMPP alike", async () => {
    const a = await login();
    const b = await login();
    const x = await RawXmpp.connect(ts.server.xmppPort);
    await x.startTls(ts.domain);
    await x.loginPlain(`bob@${ts.domain}`, passwordOf("bob"), "desk");
    const refused = await login();
    const res = refused.response(1);
    assert.equal(res?.body.case === "error" && res.body.value.code, ErrorCode.TOO_MANY_SESSIONS);
    assert.equal(res?.body.case === "error" && res.body.value.retryable, true);
    await refused.closedByServer();
    assert.equal(refused.goodbye()?.code, CloseCode.TOO_MANY_CONNECTIONS);

    const x2 = await RawXmpp.connect(ts.server.xmppPort);
    await x2.startTls(ts.domain);
    const creds = Buffer.from(`\0bob@${ts.domain}\0${passwordOf("bob")}`).toString("base64");
    x2.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${creds}</auth>`);
    await x2.until(/<success /);
    x2.write(streamHeader(ts.domain));
    await x2.until(/<bind /);
    x2.write(
      "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>phone</resource></bind></iq>",
    );
    const text = await x2.ended();
    assert.match(text, /<resource-constraint /);
    assert.match(text, /policy-violation/);

    a.close();
    await eventually(
      () => ts.server.core.presence.localSessions(`bob@${ts.domain}`) === 2,
      "a session to end",
    );
    const again = await login();
    assert.equal(again.response(1)?.body.case, "welcome");
    for (const c of [b, again]) c.close();
    x.close();
  });
});

describe("HTTP timeouts", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({
      "http.headersTimeoutMs": 300,
      "http.requestTimeoutMs": 600,
      "http.keepAliveTimeoutMs": 300,
    });
  });
  after(() => ts.close());

  /** Writes `head`, then one byte of `drip` at a time until the server closes the socket. */
  async function dripUntilClosed(head: string, drip: string): Promise<string> {
    const s = await rawSocket(ts.server.httpPort);
    let reply = "";
    s.on("data", (d: Buffer) => {
      reply += d.toString();
    });
    s.write(head);
    let i = 0;
    const timer = setInterval(() => {
      if (!s.destroyed) s.write(drip[i++ % drip.length] as string);
    }, 20);
    try {
      await closed(s, "slow client");
    } finally {
      clearInterval(timer);
    }
    return reply;
  }

  test("a client that sends its headers byte by byte is answered 408 and closed", async () => {
    const reply = await dripUntilClosed("GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Slow: abcdefgh\r\n");
    assert.match(reply, /^HTTP\/1.1 408/);
  });

  test("a client that sends its body byte by byte is answered 408 and closed", async () => {
    const reply = await dripUntilClosed(
      "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n",
      "a",
    );
    assert.match(reply, /^HTTP\/1.1 408/);
  });

  test("an idle keep-alive connection is closed after its request", async () => {
    const s = await rawSocket(ts.server.httpPort);
    s.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    await closed(s, "keep-alive socket");
  });
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { CloseCode, ErrorCode } from "@starling/protocol";
import { createNodeClient } from "@starling/sdk/node";
import { client, type XmppClient } from "@xmpp/client";
import WebSocket from "ws";
import { Client, login } from "../helpers/clients.js";
import { NATS_URL, natsUnavailable } from "../helpers/nats-server.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../helpers/xmpp-tcp.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;
const NEW_PASSWORD = "a-brand-new-password";

/** An @xmpp/client stream that records the stream errors it is sent. */
class Xmpp {
  readonly conditions: string[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly xmpp: XmppClient) {
    xmpp.reconnect.stop();
    xmpp.on("error", (err: { condition?: string }) => {
      if (err.condition) this.conditions.push(err.condition);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async ended(what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!this.conditions.includes("not-authorized")) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} to be signed out`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 250).unref();
      });
    }
  }

  stop(): Promise<void> {
    return this.xmpp.stop().then(
      () => {},
      () => {},
    );
  }
}

/** Every kind of session one user can have on `ts`, besides the one that changes the password. */
async function sessionsOf(ts: TestServer, name: string) {
  const tls = await login(ts, name, "tls");
  const ws = await login(ts, name, "ws");
  const xmppTcp = new Xmpp(new XmppTcp(ts, name, { resource: "desk" }).xmpp);
  await xmppTcp.xmpp.start();
  // @xmpp/websocket uses the platform's WebSocket, which Node 20 has only behind a flag.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
  const xmppWs = new Xmpp(
    client({
      service: `ws://127.0.0.1:${ts.server.httpPort}/xmpp`,
      domain: DOMAIN,
      resource: "browser",
      username: name,
      password: passwordOf(name),
    }),
  );
  await xmppWs.xmpp.start();
  const http = (await httpLogin(ts, name, passwordOf(name))).token;
  return { tls, ws, xmppTcp, xmppWs, http, tokens: [tls.sdk.token as string, ws.sdk.token as string] };
}
type Sessions = Awaited<ReturnType<typeof sessionsOf>>;

async function closeAll(s: Sessions | undefined): Promise<void> {
  if (!s) return;
  await Promise.all([s.tls.close(), s.ws.close(), s.xmppTcp.stop(), s.xmppWs.stop()]);
}

const http = apiRequest;

async function httpLogin(ts: TestServer, name: string, password: string) {
  const r = await http(ts, "POST", "/auth/login", "", { userId: name, password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { token: r.body.token as string };
}

const tokenClient = (ts: TestServer, token: string) =>
  createNodeClient({
    endpoints: [ts.tlsUrl],
    auth: { token },
    tls: { rejectUnauthorized: false },
    reconnect: false,
  });

/** Native connections were closed with LOGGED_OUT, XMPP streams with not-authorized. */
async function assertSignedOut(s: Sessions): Promise<void> {
  for (const [what, c] of [
    ["native TCP", s.tls],
    ["native WebSocket", s.ws],
  ] as const) {
    await c.until(() => c.sdk.state === "closed", `${what} closed`);
    const closes = c.list("error").map((e) => (e as { closeCode?: number }).closeCode);
    assert.ok(closes.includes(CloseCode.LOGGED_OUT), `${what} closed with LOGGED_OUT, got ${closes}`);
  }
  await s.xmppTcp.ended("XMPP over TCP");
  await s.xmppWs.ended("XMPP over WebSocket");
}

/** Nothing of the old sessions works any more, nor the old password. */
async function assertRefused(ts: TestServer, name: string, s: Sessions): Promise<void> {
  for (const token of s.tokens)
    await assert.rejects(tokenClient(ts, token).connect(), code(ErrorCode.TOKEN_INVALID));
  assert.equal((await http(ts, "GET", "/me", s.http)).status, 401, "the HTTP token is revoked");
  const r = await http(ts, "POST", "/auth/login", "", { userId: name, password: passwordOf(name) });
  assert.equal(r.status, 401, "the old password is refused");
}

describe("changing one's own password ends every other session", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) await ts.addUser(n);
  });
  after(() => ts.close());

  test("from a native session: the others close at once, the changer carries on", async () => {
    const changer = await login(ts, "alice");
    let others: Sessions | undefined;
    try {
      others = await sessionsOf(ts, "alice");
      await changer.sdk.changePassword(passwordOf("alice"), NEW_PASSWORD);
      await assertSignedOut(others);
      await assertRefused(ts, "alice", others);
      // The session that made the change stays, and so does its token.
      const ack = await changer.sdk.send({ to: "bob", text: "still here" });
      assert.equal(ack.seq, 1n);
      assert.equal(changer.sdk.state, "online");
      const again = tokenClient(ts, changer.sdk.token as string);
      await again.connect();
      await again.close();
      await httpLogin(ts, "alice", NEW_PASSWORD);
    } finally {
      await closeAll(others);
      await changer.close();
    }
  });

  test("over HTTP: the others close, the HTTP token and its own connections stay", async () => {
    const { token } = await httpLogin(ts, "carol", passwordOf("carol"));
    // The web client logs in over HTTP and uses the same token for its WebSocket.
    const sameLogin = new Client(
      createNodeClient({ endpoints: [ts.wsUrl], auth: { token }, reconnect: false }),
    );
    await sameLogin.sdk.connect();
    let others: Sessions | undefined;
    try {
      others = await sessionsOf(ts, "carol");
      const r = await http(ts, "POST", "/me/password", token, {
        oldPassword: passwordOf("carol"),
        newPassword: NEW_PASSWORD,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      await assertSignedOut(others);
      await assertRefused(ts, "carol", others);
      assert.equal((await http(ts, "GET", "/me", token)).status, 200, "the changer's token still works");
      await sameLogin.sdk.send({ to: "bob", text: "the web client stays" });
      assert.equal(sameLogin.sdk.state, "online");
    } finally {
      await closeAll(others);
      await sameLogin.close();
    }
  });
});

const problem = (await postgresUnavailable()) ?? (await natsUnavailable());
if (problem) console.log(`# cluster password-change test SKIPPED: ${problem}`);

describe("a password change on one node of a cluster", { skip: problem }, () => {
  let schema: PgSchema;
  let n1: TestServer;
  let n2: TestServer;
  before(async () => {
    schema = await createPgSchema("pwchange");
    const flags = { db: schema.url(), bus: NATS_URL, busPrefix: `pw${randomBytes(6).toString("hex")}` };
    n1 = await startTestServer({ ...flags, nodeId: "n1" });
    n2 = await startTestServer({ ...flags, nodeId: "n2" });
    await n1.addUser("dave");
  });
  after(async () => {
    await n1?.close();
    await n2?.close();
    await schema?.drop();
  });

  test("ends the user's sessions on the other node", async () => {
    const changer = await login(n1, "dave");
    let others: Sessions | undefined;
    try {
      others = await sessionsOf(n2, "dave");
      await changer.sdk.changePassword(passwordOf("dave"), NEW_PASSWORD);
      await assertSignedOut(others);
      await assertRefused(n2, "dave", others);
      await changer.sdk.directory.search("dave");
      assert.equal(changer.sdk.state, "online");
    } finally {
      await closeAll(others);
      await changer.close();
    }
  });
});

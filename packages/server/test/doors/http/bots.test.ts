import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { createNodeClient } from "@starling/sdk/node";
import { adminKey } from "../../../src/index.js";
import { Client, login } from "../../helpers/clients.js";
import { apiRequest, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** The bot's SDK client, signed in with its token over TLS. */
async function botClient(ts: TestServer, token: string): Promise<Client> {
  const sdk = createNodeClient({
    endpoints: [ts.tlsUrl],
    auth: { token },
    tls: { rejectUnauthorized: false },
    reconnect: { minDelayMs: 20, maxDelayMs: 200 },
  });
  const c = new Client(sdk);
  await sdk.connect();
  return c;
}

async function refusal(p: Promise<unknown>): Promise<StarlingError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StarlingError, String(err));
    return err;
  }
  throw new Error("expected a refusal");
}

describe("bot accounts", () => {
  let ts: TestServer;
  let key: string;
  let alice: string;
  let bob: string;
  let bot: string;
  let group: string;
  let other: string;
  let token: string;
  let tokenId: string;

  before(async () => {
    ts = await startTestServer();
    key = adminKey(ts.dataDir);
    alice = await ts.addUser("alice");
    bob = await ts.addUser("bob");
    const made = await apiRequest(ts, "POST", "/admin/bots", key, { id: "ci", displayName: "CI" });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    bot = String(made.body.id);
    const issued = await apiRequest(ts, "POST", `/admin/bots/${bot}/tokens`, key, {
      label: "build server",
      scopes: ["messages:send", "messages:read"],
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    token = String(issued.body.token);
    tokenId = String(issued.body.id);
    const g = await apiRequest(ts, "POST", "/admin/groups", key, {
      name: "builds",
      owner: alice,
      members: [bob, bot],
    });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    group = String(g.body.id);
    const o = await apiRequest(ts, "POST", "/admin/groups", key, {
      name: "private",
      owner: alice,
      members: [bob],
    });
    other = String(o.body.id);
  });
  after(() => ts.close());

  it("refuses unknown scopes and a token for a person", async () => {
    const bad = await apiRequest(ts, "POST", `/admin/bots/${bot}/tokens`, key, { scopes: ["admin:all"] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "INVALID_ARGUMENT");
    const person = await apiRequest(ts, "POST", `/admin/bots/${bob}/tokens`, key, {
      scopes: ["messages:send"],
    });
    assert.equal(person.status, 404);
  });

  it("lists the bot's tokens without the token itself", async () => {
    const r = await apiRequest(ts, "GET", `/admin/bots/${bot}/tokens`, key);
    assert.equal(r.status, 200);
    const tokens = r.body.tokens as Record<string, unknown>[];
    assert.deepEqual(
      tokens.map((t) => [t.id, t.label, t.scopes]),
      [[tokenId, "build server", ["messages:send", "messages:read"]]],
    );
    assert.ok(!JSON.stringify(r.body).includes(token));
  });

  it("has no password to log in with", async () => {
    const r = await apiRequest(ts, "POST", "/auth/login", "", { userId: bot, password: "" });
    assert.ok(r.status === 400 || r.status === 401, String(r.status));
    const guess = await apiRequest(ts, "POST", "/auth/login", "", { userId: bot, password: "anything-long" });
    assert.equal(guess.status, 401);
  });

  it("is marked as a bot in the directory, over HTTP and the SDK", async () => {
    const b = await login(ts, "bob");
    try {
      const r = await apiRequest(ts, "GET", `/directory/users/${bot}`, String(b.sdk.token));
      assert.equal(r.status, 200);
      assert.equal(r.body.bot, true);
      const cards = await b.sdk.directory.cards([bot, alice]);
      assert.deepEqual(
        cards.map((c) => [c.id, c.bot]).sort(),
        [
          [alice, false],
          [bot, true],
        ].sort(),
      );
      const person = await apiRequest(ts, "GET", `/directory/users/${alice}`, String(b.sdk.token));
      assert.notEqual(person.body.bot, true);
    } finally {
      await b.close();
    }
  });

  it("sends with its token into its group, and members get the message", async () => {
    const b = await login(ts, "bob");
    const c = await botClient(ts, token);
    try {
      const ack = await c.sdk.send({ conversationId: group, text: "build 42 passed" });
      assert.ok(ack.seq > 0n);
      await b.until(
        () => b.in(group).some((m) => m.content?.text === "build 42 passed"),
        "the bot's message",
      );
      const m = b.in(group).find((x) => x.content?.text === "build 42 passed");
      assert.equal(m?.senderId, bot);
      // Over HTTP with the same token.
      const sent = await apiRequest(ts, "POST", "/messages", token, {
        conversationId: group,
        clientMsgId: "http-1",
        text: "deployed",
      });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      await b.until(() => b.in(group).some((x) => x.content?.text === "deployed"), "the bot's HTTP message");
    } finally {
      await c.close();
      await b.close();
    }
  });

  it("is refused outside its scopes with the scope named", async () => {
    const c = await botClient(ts, token);
    try {
      const native = await refusal(c.sdk.members(group));
      assert.equal(native.code, ErrorCode.FORBIDDEN);
      assert.equal(native.details.scope, "groups:read");
      const http = await apiRequest(ts, "GET", `/groups/${group}/members`, token);
      assert.equal(http.status, 403);
      assert.equal(http.body.code, "FORBIDDEN");
      assert.deepEqual(http.body.details, { scope: "groups:read" });
      // What no scope opens: a bot does not browse the directory.
      const d = await apiRequest(ts, "GET", `/directory/users/${bob}`, token);
      assert.equal(d.status, 403);
      assert.equal(d.body.code, "FORBIDDEN");
      assert.deepEqual(d.body.details, { scope: "" });
    } finally {
      await c.close();
    }
  });

  it("is refused in a conversation it is not in", async () => {
    const c = await botClient(ts, token);
    try {
      // Like anyone outside a group: it does not learn the group exists.
      const err = await refusal(c.sdk.send({ conversationId: other, text: "hello?" }));
      assert.equal(err.code, ErrorCode.NOT_FOUND);
      const http = await apiRequest(ts, "POST", "/messages", token, {
        conversationId: other,
        clientMsgId: "http-2",
        text: "hello?",
      });
      assert.equal(http.status, 404);
      const history = await apiRequest(ts, "GET", `/conversations/${other}/messages`, token);
      assert.equal(history.status, 404);
    } finally {
      await c.close();
    }
  });

  it("fails with a revoked token, over HTTP and the native protocol", async () => {
    const spare = await apiRequest(ts, "POST", `/admin/bots/${bot}/tokens`, key, {
      scopes: ["messages:read"],
    });
    const spareToken = String(spare.body.token);
    const connected = await botClient(ts, spareToken);
    const staying = await botClient(ts, token);
    const r = await apiRequest(ts, "DELETE", `/admin/bots/${bot}/tokens/${String(spare.body.id)}`, key);
    assert.equal(r.status, 200);
    const again = await apiRequest(ts, "DELETE", `/admin/bots/${bot}/tokens/${String(spare.body.id)}`, key);
    assert.equal(again.status, 404);
    // Revoking closes the connection signed in with that token, and only that one.
    await connected.until(() => connected.sdk.state === "closed", "the revoked connection to close");
    assert.equal(staying.sdk.state, "online");
    await staying.close();
    const http = await apiRequest(ts, "GET", "/conversations", spareToken);
    assert.equal(http.status, 401);
    assert.equal(http.body.code, "TOKEN_INVALID");
    await assert.rejects(botClient(ts, spareToken));
    // The other token still works.
    const ok = await apiRequest(ts, "GET", "/conversations", token);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** Pins, hidden messages and favourites over HTTP: the same rules as the native protocol. */
describe("pins, hidden messages and favourites over HTTP", () => {
  let ts: TestServer;
  const tokens: Record<string, string> = {};
  let conv = "";

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const convPath = (rest: string) => `/conversations/${encodeURIComponent(conv)}${rest}`;

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) {
      await ts.addUser(n);
      const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: n, password: passwordOf(n) }),
      });
      tokens[n] = ((await r.json()) as { token: string }).token;
    }
    for (const text of ["one", "two"]) {
      const sent = await call("alice", "POST", "/messages", { to: "bob", clientMsgId: `m-${text}`, text });
      assert.equal(sent.status, 200);
      conv = sent.body.conversationId as string;
    }
  });
  after(() => ts.close());

  test("pinning and unpinning", async () => {
    assert.equal((await call("bob", "POST", convPath("/pins"), { seq: 1 })).status, 204);
    const pins = await call("alice", "GET", convPath("/pins"));
    assert.deepEqual(
      (pins.body.messages as { seq: string; content: { text: string } }[]).map((m) => [
        m.seq,
        m.content.text,
      ]),
      [["1", "one"]],
    );
    const c = await call("alice", "GET", convPath(""));
    assert.deepEqual(c.body.pinnedSeqs, ["1"]);
    assert.equal((await call("alice", "DELETE", convPath("/pins/1"))).status, 204);
    assert.deepEqual((await call("bob", "GET", convPath("/pins"))).body.messages, []);
    assert.equal((await call("carol", "POST", convPath("/pins"), { seq: 1 })).status, 404);
    assert.equal((await call("alice", "POST", convPath("/pins"), { seq: 99 })).status, 404);
    assert.equal((await call("alice", "POST", convPath("/pins"), { seq: 0 })).status, 400);
  });

  test("hiding messages for oneself", async () => {
    assert.equal((await call("bob", "POST", convPath("/hidden"), { seqs: [2, 1, 2] })).status, 204);
    assert.deepEqual((await call("bob", "GET", convPath("/hidden"))).body, { seqs: [1, 2] });
    assert.deepEqual((await call("bob", "GET", convPath(""))).body.hiddenSeqs, ["1", "2"]);
    assert.deepEqual((await call("alice", "GET", convPath("/hidden"))).body, { seqs: [] });
    assert.equal((await call("carol", "GET", convPath("/hidden"))).status, 404, "not another's set");
    assert.equal((await call("carol", "POST", convPath("/hidden"), { seqs: [1] })).status, 404);
    assert.equal((await call("bob", "POST", convPath("/hidden"), { seqs: [] })).status, 400);
    assert.equal((await call("bob", "POST", convPath("/hidden"), { seqs: [50] })).status, 400);
  });

  test("favourites: save, list newest first with paging, remove; each user sees only their own", async () => {
    const first = await call("alice", "POST", "/me/favourites", { conversationId: conv, seq: 1 });
    assert.equal(first.status, 200);
    const second = await call("alice", "POST", "/me/favourites", { conversationId: conv, seq: 2 });
    const ids = [second.body.id, first.body.id];
    const page = await call("alice", "GET", "/me/favourites?limit=1");
    assert.deepEqual(
      [(page.body.favourites as { id: string }[]).map((f) => f.id), page.body.hasMore],
      [[ids[0]], true],
    );
    const rest = await call("alice", "GET", `/me/favourites?before=${ids[0]}`);
    const favs = rest.body.favourites as { id: string; message: { content: { text: string } } }[];
    assert.deepEqual(
      favs.map((f) => [f.id, f.message.content.text]),
      [[ids[1], "one"]],
    );
    assert.deepEqual((await call("carol", "GET", "/me/favourites")).body.favourites ?? [], []);
    assert.equal((await call("carol", "DELETE", `/me/favourites/${ids[0]}`)).status, 404);
    assert.equal(
      (await call("carol", "POST", "/me/favourites", { conversationId: conv, seq: 1 })).status,
      404,
    );
    assert.equal((await call("alice", "GET", "/me/favourites?before=nope")).status, 400);
    assert.equal((await call("alice", "DELETE", `/me/favourites/${ids[0]}`)).status, 204);
    const left = await call("alice", "GET", "/me/favourites");
    assert.deepEqual(
      (left.body.favourites as { id: string }[]).map((f) => f.id),
      [ids[1]],
    );
  });
});

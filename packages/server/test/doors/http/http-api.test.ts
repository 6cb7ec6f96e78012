import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { login } from "../../helpers/clients.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

describe("HTTP API: conversations, history and groups", () => {
  let ts: TestServer;
  const tokens = new Map<string, string>();

  const call = (who: string, method: string, path: string, body?: unknown) =>
    apiRequest(ts, method, path, tokens.get(who) ?? "", body);

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) {
      await ts.addUser(n);
      const r = await call("", "POST", "/auth/login", { userId: n, password: passwordOf(n) });
      tokens.set(n, r.body.token as string);
    }
  });
  after(() => ts.close());

  test("a message sent over HTTP is stored once, pushed, and read back by seq", async () => {
    const bob = await login(ts, "bob");
    try {
      const first = await call("alice", "POST", "/messages", {
        to: "bob",
        clientMsgId: "http-1",
        text: "hello over http",
      });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.seq, 1);
      const again = await call("alice", "POST", "/messages", {
        to: "bob",
        clientMsgId: "http-1",
        text: "hello over http",
      });
      assert.equal(again.body.duplicate, true);
      assert.equal(again.body.seq, 1);
      await bob.until(() => bob.messages.length === 1, "bob gets the push");
      const conv = first.body.conversationId as string;
      await call("alice", "POST", "/messages", {
        conversationId: conv,
        clientMsgId: "http-2",
        text: "second",
      });
      const page = await call(
        "bob",
        "GET",
        `/conversations/${encodeURIComponent(conv)}/messages?afterSeq=0&limit=10`,
      );
      const texts = (page.body.messages as { seq: string; content: { text: string } }[]).map((m) => [
        m.seq,
        m.content.text,
      ]);
      assert.deepEqual(texts, [
        ["1", "hello over http"],
        ["2", "second"],
      ]);
      assert.equal(
        (await call("bob", "POST", `/conversations/${encodeURIComponent(conv)}/read`, { seq: 2 })).status,
        200,
      );
      const view = await call("bob", "GET", `/conversations/${encodeURIComponent(conv)}`);
      assert.equal(view.body.readSeq, "2");
      const list = await call("bob", "GET", "/conversations");
      assert.ok((list.body.conversations as { id: string }[]).some((c) => c.id === conv));
      // Someone outside the conversation learns nothing about it.
      assert.equal(
        (await call("carol", "GET", `/conversations/${encodeURIComponent(conv)}/messages`)).status,
        404,
      );
    } finally {
      await bob.close();
    }
  });

  test("groups: create, rename, members, roles, leave and disband", async () => {
    const created = await call("alice", "POST", "/groups", { name: "http group", memberIds: ["bob"] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = encodeURIComponent(created.body.id as string);
    assert.equal((await call("alice", "PATCH", `/groups/${id}`, { name: "renamed" })).status, 200);
    assert.equal((await call("bob", "PATCH", `/groups/${id}`, { name: "by bob" })).body.code, "FORBIDDEN");
    assert.equal((await call("alice", "POST", `/groups/${id}/members`, { userIds: ["carol"] })).status, 200);
    assert.equal(
      (await call("alice", "PUT", `/groups/${id}/members/bob/role`, { role: "admin" })).status,
      200,
    );
    const members = await call("carol", "GET", `/groups/${id}/members`);
    assert.deepEqual(
      (members.body.members as { userId: string; role: string }[]).map((m) => `${m.userId}:${m.role}`).sort(),
      ["alice@starling.local:owner", "bob@starling.local:admin", "carol@starling.local:member"],
    );
    assert.equal((await call("carol", "POST", `/groups/${id}/leave`)).status, 200);
    assert.equal((await call("bob", "DELETE", `/groups/${id}`)).body.code, "FORBIDDEN");
    assert.equal((await call("alice", "DELETE", `/groups/${id}`)).status, 200);
    const view = await call("alice", "GET", `/conversations/${id}`);
    assert.equal(view.body.disbanded, true);
  });

  test("bad input gets the error shape and changes nothing", async () => {
    assert.equal((await call("", "GET", "/conversations")).status, 401);
    const unknown = await call("alice", "POST", "/messages", {
      to: "bob",
      clientMsgId: "x",
      text: "t",
      extra: 1,
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, "INVALID_ARGUMENT");
    const both = await call("alice", "POST", "/messages", { clientMsgId: "y", text: "t" });
    assert.equal(both.status, 400);
    const tooLong = await call("alice", "POST", "/messages", {
      to: "bob",
      clientMsgId: "z",
      text: "x".repeat(16385),
    });
    assert.equal(tooLong.status, 400);
    const negative = await call("alice", "GET", "/conversations/d:x/messages?afterSeq=-1");
    assert.equal(negative.status, 400);
  });
});

describe("HTTP API rate limit", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.requestsPerSecond": 1, "limits.requestBurst": 3 });
  });
  after(() => ts.close());

  test("an address beyond its burst gets 429 RATE_LIMITED with Retry-After; health checks are not counted", async () => {
    const get = (path: string) => fetch(`http://127.0.0.1:${ts.server.httpPort}${path}`);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get("/api/v1/conversations")).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const limited = await get("/api/v1/directory/search?q=x");
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.equal(((await limited.json()) as { code: string }).code, "RATE_LIMITED");
    assert.equal((await get("/healthz")).status, 200);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, MessageKind, SearchScope } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/** Search through the SDK (native protocol) and over HTTP, end to end on a real server. */
describe("search over the protocol and HTTP", () => {
  let ts: TestServer;
  let alice: Client;
  let bob: Client;
  let token = "";
  const http = (query: string) =>
    fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/search?${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "mallory"]) await ts.addUser(n);
    alice = await login(ts, "alice", "ws");
    bob = await login(ts, "bob");
    await alice.sdk.send({ to: "bob", text: "我们的即时通讯系统很好用" });
    await bob.sdk.send({ to: "alice", text: "Deploy the Starling server today" });
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "alice", password: passwordOf("alice") }),
    });
    token = ((await r.json()) as { token: string }).token;
  });
  after(async () => {
    await alice.sdk.close();
    await bob.sdk.close();
    await ts.close();
  });

  test("the SDK finds messages, people and highlights", async () => {
    const r = await bob.sdk.search("即时通讯", { scope: SearchScope.MESSAGES });
    assert.equal(r.messages.length, 1);
    assert.equal(r.messages[0]?.message?.content?.text, "我们的即时通讯系统很好用");
    assert.deepEqual(
      r.messages[0]?.snippet?.highlights.map((h) => [h.offset, h.length]),
      [[3, 4]],
    );
    const all = await alice.sdk.search("bob");
    assert.ok(all.people.some((p) => p.id.startsWith("bob@")));
    const text = await alice.sdk.search("deploy", { kind: MessageKind.TEXT, since: Date.now() - 60_000 });
    assert.equal(text.messages.length, 1);
    await assert.rejects(
      alice.sdk.search(""),
      (e: { code?: number }) => e.code === ErrorCode.INVALID_ARGUMENT,
    );
  });

  test("someone outside the conversation finds nothing of it", async () => {
    const mallory = await login(ts, "mallory");
    try {
      const r = await mallory.sdk.search("即时通讯");
      assert.deepEqual(r.messages, []);
    } finally {
      await mallory.sdk.close();
    }
  });

  test("GET /api/v1/search gives the same in JSON, and needs a token", async () => {
    const r = await http(`q=${encodeURIComponent("即时")}&scope=messages`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { messages: { snippet: { text: string; highlights: unknown[] } }[] };
    assert.equal(body.messages[0]?.snippet.text, "我们的即时通讯系统很好用");
    assert.equal((await http("q=x&scope=nope")).status, 400);
    // No query: a conversation's file list, only with scope=files and the conversation.
    const chat = encodeURIComponent(`d:alice@${ts.domain}|bob@${ts.domain}`);
    const listed = await http(`scope=files&conversationId=${chat}`);
    assert.equal(listed.status, 200);
    assert.deepEqual(((await listed.json()) as { files?: unknown[] }).files ?? [], []);
    assert.equal((await http("scope=files")).status, 400);
    assert.equal((await http(`q=&scope=messages&conversationId=${chat}`)).status, 400);
    assert.equal((await http("q=x&extra=1")).status, 400);
    token = "";
    assert.equal((await http("q=x")).status, 401);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, SearchScope } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";
import { apiRequest, passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;

describe("edit and reactions over the native protocol and HTTP", () => {
  let ts: TestServer;
  let alice: Client;
  let bob: Client;
  const tokens = new Map<string, string>();

  /** An HTTP call that may answer 204 without a body. */
  async function http(who: string, method: string, path: string, body?: unknown) {
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(who)}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob"]) {
      await ts.addUser(n);
      const r = await apiRequest(ts, "POST", "/auth/login", "", { userId: n, password: passwordOf(n) });
      tokens.set(n, r.body.token as string);
    }
    [alice, bob] = await Promise.all([login(ts, "alice"), login(ts, "bob")]);
  });
  after(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await ts.close();
  });

  test("Welcome announces the edit window", async () => {
    const welcome = await alice.sdk.connect();
    assert.equal(welcome.editWindowMs, 24 * 3600 * 1000);
  });

  test("an edit reaches both users live, keeps the seq, and history returns the new text with editedAt", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "see you at 3" });
    await bob.until(() => bob.messages.some((m) => m.seq === ack.seq), "bob has the message");
    await alice.sdk.editMessage(ack.conversationId, ack.seq, "see you at 4");
    for (const c of [alice, bob]) {
      await c.until(
        () => c.list("messageEdited").some((e) => e.seq === ack.seq && e.content?.text === "see you at 4"),
        "the edit event",
      );
    }
    const ev = bob.list("messageEdited").find((e) => e.seq === ack.seq);
    assert.equal(ev?.by, "alice@starling.local");
    assert.ok((ev?.editedAt ?? 0n) > 0n);
    const h = await bob.sdk.history(ack.conversationId, { afterSeq: Number(ack.seq) - 1, limit: 2 });
    const [m, event] = h.messages;
    assert.equal(m?.seq, ack.seq);
    assert.equal(m?.content?.text, "see you at 4");
    assert.equal(m?.editedAt, ev?.editedAt);
    assert.equal(event?.event?.kind.case, "messageEdited");
  });

  test("only the sender may edit; an event may not be edited", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "mine" });
    await assert.rejects(
      bob.sdk.editMessage(ack.conversationId, ack.seq, "yours"),
      code(ErrorCode.FORBIDDEN),
    );
    await alice.sdk.editMessage(ack.conversationId, ack.seq, "still mine");
    await assert.rejects(
      alice.sdk.editMessage(ack.conversationId, ack.seq + 1n, "x"),
      code(ErrorCode.INVALID_ARGUMENT),
    );
    await assert.rejects(
      alice.sdk.editMessage(ack.conversationId, ack.seq, "  "),
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });

  test("reactions: both users see them live; adding twice sends nothing; history carries the aggregate", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "lunch?" });
    await bob.until(() => bob.messages.some((m) => m.seq === ack.seq), "bob has the message");
    await bob.sdk.react(ack.conversationId, ack.seq, "👍");
    await alice.sdk.react(ack.conversationId, ack.seq, "👍");
    await alice.sdk.react(ack.conversationId, ack.seq, "🍜");
    const before = (await alice.sdk.history(ack.conversationId, { afterSeq: ack.seq, limit: 50 })).messages
      .length;
    await bob.sdk.react(ack.conversationId, ack.seq, "👍");
    const later = (await alice.sdk.history(ack.conversationId, { afterSeq: ack.seq, limit: 50 })).messages
      .length;
    assert.equal(later, before, "adding the same reaction again stores no event");
    await alice.sdk.react(ack.conversationId, ack.seq, "🍜", false);
    for (const c of [alice, bob]) {
      await c.until(
        () => c.list("reaction").some((r) => r.seq === ack.seq && r.emoji === "🍜" && !r.added),
        "the removal",
      );
    }
    const h = await bob.sdk.history(ack.conversationId, { afterSeq: Number(ack.seq) - 1, limit: 1 });
    assert.deepEqual(
      h.messages[0]?.reactions.map((r) => [r.emoji, r.userIds]),
      [["👍", ["bob@starling.local", "alice@starling.local"]]],
    );
    // The conversation list shows the message reacted to, not the reaction events after it.
    const c = await bob.sdk.getConversation(ack.conversationId);
    assert.equal(c.lastMessage?.seq, ack.seq);
    assert.equal(c.lastMessage?.reactions[0]?.emoji, "👍");
    assert.ok(c.lastSeq > ack.seq);
    await assert.rejects(
      bob.sdk.react(ack.conversationId, ack.seq, "not an emoji at all, far too long"),
      code(ErrorCode.INVALID_ARGUMENT),
    );
  });

  test("a device that was away learns edits and reactions through sync", async () => {
    const proxy = new TcpProxy("127.0.0.1", ts.server.tcpPort);
    const port = await proxy.start();
    const away = await login(ts, "bob", "tls", { endpoints: [`tls://127.0.0.1:${port}`] });
    try {
      const ack = await alice.sdk.send({ to: "bob", text: "draft" });
      await away.until(() => away.messages.some((m) => m.seq === ack.seq), "bob has the message");
      await proxy.cut();
      await away.until(() => away.sdk.state !== "online", "bob is offline");
      await alice.sdk.editMessage(ack.conversationId, ack.seq, "final");
      await alice.sdk.react(ack.conversationId, ack.seq, "✅");
      await proxy.restore();
      await away.until(
        () =>
          away.list("messageEdited").some((e) => e.seq === ack.seq && e.content?.text === "final") &&
          away.list("reaction").some((r) => r.seq === ack.seq && r.emoji === "✅" && r.added),
        "bob catches up on the edit and the reaction",
      );
      const h = await away.sdk.history(ack.conversationId, { afterSeq: Number(ack.seq) - 1, limit: 1 });
      assert.equal(h.messages[0]?.content?.text, "final");
      assert.equal(h.messages[0]?.reactions[0]?.emoji, "✅");
    } finally {
      await away.close();
      await proxy.cut();
    }
  });

  test("search finds the edited text and no longer the old one", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "the quarterly zebrafish report" });
    const find = async (q: string) =>
      (await bob.sdk.search(q, { scope: SearchScope.MESSAGES })).messages.filter(
        (h) => h.message?.seq === ack.seq && h.message.conversationId === ack.conversationId,
      );
    assert.equal((await find("zebrafish")).length, 1);
    await alice.sdk.editMessage(ack.conversationId, ack.seq, "the quarterly axolotl report");
    assert.equal((await find("zebrafish")).length, 0);
    const hits = await find("axolotl");
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.message?.content?.text, "the quarterly axolotl report");
  });

  test("HTTP: PATCH edits, PUT and DELETE react; errors have their codes", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "over http" });
    const path = `/conversations/${encodeURIComponent(ack.conversationId)}/messages/${ack.seq}`;
    assert.equal((await http("alice", "PATCH", path, { text: "edited over http" })).status, 204);
    const denied = await http("bob", "PATCH", path, { text: "nope" });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, "FORBIDDEN");
    const thumbs = encodeURIComponent("👍");
    assert.equal((await http("bob", "PUT", `${path}/reactions/${thumbs}`)).status, 204);
    assert.equal((await http("bob", "PUT", `${path}/reactions/${thumbs}`)).status, 204);
    assert.equal((await http("alice", "PUT", `${path}/reactions/${encodeURIComponent("🎉")}`)).status, 204);
    assert.equal(
      (await http("alice", "DELETE", `${path}/reactions/${encodeURIComponent("🎉")}`)).status,
      204,
    );
    const bad = await http("bob", "PUT", `${path}/reactions/${encodeURIComponent("a b")}`);
    assert.equal(bad.status, 400);
    const page = await http(
      "bob",
      "GET",
      `/conversations/${encodeURIComponent(ack.conversationId)}/messages?afterSeq=${Number(ack.seq) - 1}&limit=1`,
    );
    const [m] = page.body.messages as {
      content?: { text?: string };
      editedAt?: string;
      reactions?: unknown;
    }[];
    assert.equal(m?.content?.text, "edited over http");
    assert.ok(Number(m?.editedAt) > 0);
    assert.deepEqual(m?.reactions, [{ emoji: "👍", userIds: ["bob@starling.local"] }]);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Client, login, type Via } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

for (const via of ["tls", "ws"] as Via[]) {
  describe(`1:1 messaging over ${via}`, () => {
    let ts: TestServer;
    let alice: Client;
    let alice2: Client;
    let bob: Client;
    before(async () => {
      ts = await startTestServer();
      await ts.addUser("alice");
      await ts.addUser("bob");
      alice = await login(ts, "alice", via);
      alice2 = await login(ts, "alice", via === "tls" ? "ws" : "tls");
      bob = await login(ts, "bob", via);
    });
    after(async () => {
      await Promise.all([alice.close(), alice2.close(), bob.close()]);
      await ts.close();
    });

    test("a message is acknowledged with seq and time, delivered to the peer and echoed to the sender's other device", async () => {
      const before = Date.now();
      const ack = await alice.sdk.send({ to: "bob", text: "hello bob" });
      assert.equal(ack.seq, 1n);
      assert.ok(Number(ack.serverTime) >= before - 1000);
      const conv = ack.conversationId;
      await bob.until(() => bob.in(conv).length === 1, "bob's message");
      await alice2.until(() => alice2.in(conv).length === 1, "echo on alice's other device");
      const m = bob.in(conv)[0];
      assert.equal(m?.content?.text, "hello bob");
      assert.equal(m?.senderId, "alice@starling.local");
      assert.equal(m?.seq, 1n);
    });

    test("many sends keep their order and the seqs are gapless", async () => {
      const conv = "d:alice@starling.local|bob@starling.local";
      const start = bob.in(conv).length;
      const acks = await Promise.all(
        Array.from({ length: 200 }, (_, i) => alice.sdk.send({ to: "bob", text: `n${i}` })),
      );
      const seqs = acks.map((a) => Number(a.seq));
      seqs.forEach((s, i) => assert.equal(s, (seqs[0] as number) + i));
      await bob.until(() => bob.in(conv).length === start + 200, "200 messages");
      const got = bob.in(conv).slice(start);
      got.forEach((m, i) => assert.equal(m.content?.text, `n${i}`));
      const all = bob.in(conv).map((m) => Number(m.seq));
      all.forEach((s, i) => assert.equal(s, i + 1));
    });

    test("both directions share one conversation and one sequence", async () => {
      const a = await bob.sdk.send({ to: "alice", text: "hi alice" });
      assert.equal(a.conversationId, "d:alice@starling.local|bob@starling.local");
      await alice.until(() => alice.messages.some((m) => m.content?.text === "hi alice"), "reply");
      const h = await alice.sdk.history(a.conversationId, { beforeSeq: Number(a.seq) + 1, limit: 3 });
      assert.deepEqual(
        h.messages.map((m) => m.seq),
        [a.seq - 2n, a.seq - 1n, a.seq],
      );
    });

    test("read receipts reach the sender and show in sync", async () => {
      const ack = await alice.sdk.send({ to: "bob", text: "read me" });
      await bob.until(() =>
        bob.messages.some((m) => m.seq === ack.seq && m.conversationId === ack.conversationId),
      );
      await bob.sdk.markRead(ack.conversationId, ack.seq);
      await alice.until(
        () => alice.list("receipt").some((r) => r.userId === "bob@starling.local" && r.readSeq === ack.seq),
        "read receipt",
      );
      const conv = await alice.sdk.getConversation(ack.conversationId);
      assert.equal(conv.peerReadSeq, ack.seq);
      const mine = await bob.sdk.getConversation(ack.conversationId);
      assert.equal(mine.unreadCount, 0);
      assert.equal(mine.readSeq, ack.seq);
    });

    test("unread counts ignore one's own messages", async () => {
      const a1 = await alice.sdk.send({ to: "bob", text: "u1" });
      await alice.sdk.send({ to: "bob", text: "u2" });
      await bob.sdk.send({ to: "alice", text: "mine" });
      const c = await bob.sdk.getConversation(a1.conversationId);
      assert.equal(c.unreadCount, 2);
    });

    test("a stranger cannot read or write someone else's conversation", async () => {
      await ts.addUser(`eve${via}`);
      const eve = await login(ts, `eve${via}`, via);
      const conv = "d:alice@starling.local|bob@starling.local";
      await assert.rejects(eve.sdk.history(conv), /no such conversation/);
      await assert.rejects(eve.sdk.send({ conversationId: conv, text: "let me in" }), /no such conversation/);
      await assert.rejects(eve.sdk.markRead(conv, 1), /no such conversation/);
      await eve.close();
    });

    test("mentions, replies and typed custom payloads arrive as sent; bad ones are refused", async () => {
      const first = await alice.sdk.send({ to: "bob", text: "question?" });
      const ack = await bob.sdk.send({
        to: "alice",
        text: "@alice see the card",
        mentions: [{ userId: "alice@starling.local", offset: 0, length: 6 }],
        replyToSeq: first.seq,
        custom: { type: "com.example.card", json: '{"title":"Q3 plan","url":"https://intranet/q3"}' },
      });
      await alice.until(() =>
        alice.messages.some((m) => m.seq === ack.seq && m.conversationId === ack.conversationId),
      );
      const m = alice.messages.find((x) => x.seq === ack.seq && x.conversationId === ack.conversationId);
      assert.equal(m?.content?.replyToSeq, first.seq);
      assert.deepEqual(
        m?.content?.mentions.map((x) => [x.userId, x.offset, x.length]),
        [["alice@starling.local", 0, 6]],
      );
      assert.equal(m?.content?.custom?.type, "com.example.card");
      assert.deepEqual(JSON.parse(m?.content?.custom?.json ?? "null"), {
        title: "Q3 plan",
        url: "https://intranet/q3",
      });
      await assert.rejects(
        bob.sdk.send({ to: "alice", text: "x", custom: { type: "card", json: "{not json" } }),
        /not valid JSON/,
      );
      await assert.rejects(
        bob.sdk.send({ to: "alice", text: "hi", mentions: [{ userId: "alice", offset: 1, length: 9 }] }),
        /mention outside the text/,
      );
      await assert.rejects(bob.sdk.send({ to: "alice", text: "x".repeat(16 * 1024 + 1) }), /longer than/);
      await assert.rejects(bob.sdk.send({ to: "alice", text: "   " }), /empty/);
    });

    test("sending to an unknown user or to oneself is refused", async () => {
      await assert.rejects(alice.sdk.send({ to: "nobody", text: "x" }), /no such user/);
      await assert.rejects(alice.sdk.send({ to: "alice", text: "x" }), /yourself/);
      await assert.rejects(alice.sdk.send({ to: "bob@other.example", text: "x" }), /another domain/);
    });
  });
}

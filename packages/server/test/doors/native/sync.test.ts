import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SyncState } from "@starling/sdk";
import { login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

describe("sync, offline catch-up and multiple devices", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) await ts.addUser(n);
  });
  after(() => ts.close());

  test("a device that was away gets every missed message once, in order", async () => {
    const alice = await login(ts, "alice");
    const bob = await login(ts, "bob");
    const first = await alice.sdk.send({ to: "bob", text: "before" });
    await bob.until(() => bob.messages.length === 1);
    const group = await alice.sdk.createGroup("g", ["bob", "carol"]);
    await bob.until(() => bob.in(group.id).length === 1, "group event");
    const state: SyncState = bob.sdk.syncState();
    await bob.close();

    for (let i = 0; i < 120; i++) await alice.sdk.send({ to: "bob", text: `missed ${i}` });
    for (let i = 0; i < 30; i++) await alice.sdk.send({ conversationId: group.id, text: `group ${i}` });
    await alice.sdk.renameGroup(group.id, "renamed while away");

    const bobAgain = await login(ts, "bob", "ws", { state });
    await bobAgain.until(
      () => bobAgain.in(first.conversationId).length === 120 && bobAgain.in(group.id).length === 31,
      "catch-up",
    );
    const direct = bobAgain.in(first.conversationId);
    direct.forEach((m, i) => {
      assert.equal(m.content?.text, `missed ${i}`);
      assert.equal(Number(m.seq), i + 2);
    });
    const g = bobAgain.in(group.id);
    assert.equal(g.at(-1)?.event?.kind.case, "groupRenamed");
    assert.deepEqual(
      g.map((m) => Number(m.seq)),
      Array.from({ length: 31 }, (_, i) => i + 2),
    );
    // New traffic after catch-up arrives once, after the backlog.
    await alice.sdk.send({ to: "bob", text: "live" });
    await bobAgain.until(() => bobAgain.in(first.conversationId).length === 121);
    assert.equal(bobAgain.in(first.conversationId).at(-1)?.content?.text, "live");
    await Promise.all([alice.close(), bobAgain.close()]);
  });

  test("sync reports every changed conversation with its cursor; nothing twice", async () => {
    // Without automatic delivered receipts, so that only the new message changes carol's view.
    const carol = await login(ts, "carol", "tls", { autoDelivered: false });
    // Connecting ran a sync already: the group from the first test is known.
    assert.ok([...carol.sdk.conversations.values()].some((c) => c.name === "renamed while away"));
    assert.equal((await carol.sdk.sync()).length, 0);
    const alice = await login(ts, "alice");
    const ack = await alice.sdk.send({ to: "carol", text: "new conversation" });
    await carol.until(() => carol.in(ack.conversationId).length === 1);
    const changed = await carol.sdk.sync();
    assert.equal(changed.filter((c) => c.id === ack.conversationId).length <= 1, true);
    const again = await carol.sdk.sync();
    assert.equal(again.length, 0, "nothing changed since the last sync");
    await Promise.all([carol.close(), alice.close()]);
  });

  test("read state follows the user to their other devices", async () => {
    const phone = await login(ts, "bob", "tls");
    const laptop = await login(ts, "bob", "ws");
    const alice = await login(ts, "alice");
    const ack = await alice.sdk.send({ to: "bob", text: "read on phone" });
    await laptop.until(() =>
      laptop.messages.some((m) => m.seq === ack.seq && m.conversationId === ack.conversationId),
    );
    await phone.sdk.markRead(ack.conversationId, ack.seq);
    await laptop.until(
      () => laptop.list("receipt").some((r) => r.userId === "bob@starling.local" && r.readSeq === ack.seq),
      "own receipt on the other device",
    );
    const view = await laptop.sdk.getConversation(ack.conversationId);
    assert.equal(view.readSeq, ack.seq);
    assert.equal(view.unreadCount, 0);
    await Promise.all([phone.close(), laptop.close(), alice.close()]);
  });
});

describe("idempotent sends", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob"]) await ts.addUser(n);
  });
  after(() => ts.close());

  test("a resend with the same client id returns the original ack and is delivered once", async () => {
    const alice = await login(ts, "alice");
    const bob = await login(ts, "bob");
    const first = await alice.sdk.send({ to: "bob", text: "once", clientMsgId: "fixed-id-1" });
    const again = await alice.sdk.send({ to: "bob", text: "once", clientMsgId: "fixed-id-1" });
    const third = await alice.sdk.send({
      conversationId: first.conversationId,
      text: "once",
      clientMsgId: "fixed-id-1",
    });
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, first.seq);
    assert.equal(third.seq, first.seq);
    const marker = await alice.sdk.send({ to: "bob", text: "after" });
    await bob.until(() => bob.messages.some((m) => m.seq === marker.seq));
    assert.equal(bob.messages.filter((m) => m.clientMsgId === "fixed-id-1").length, 1);
    const h = await bob.sdk.history(first.conversationId, { afterSeq: 0, limit: 50 });
    assert.equal(h.messages.length, 2);
    await Promise.all([alice.close(), bob.close()]);
  });

  test("bad client ids are refused", async () => {
    const alice = await login(ts, "alice");
    await assert.rejects(alice.sdk.send({ to: "bob", text: "x", clientMsgId: "has space" }), /client_msg_id/);
    await assert.rejects(
      alice.sdk.send({ to: "bob", text: "x", clientMsgId: "x".repeat(65) }),
      /client_msg_id/,
    );
    await alice.close();
  });
});

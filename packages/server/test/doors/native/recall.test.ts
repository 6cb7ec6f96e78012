import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

const code = (c: number) => (e: { code?: number }) => e.code === c;

describe("recall", () => {
  let ts: TestServer;
  let alice: Client;
  let bob: Client;
  let carol: Client;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) await ts.addUser(n);
    [alice, bob, carol] = await Promise.all([login(ts, "alice"), login(ts, "bob"), login(ts, "carol")]);
  });
  after(async () => {
    await Promise.all([alice.close(), bob.close(), carol.close()]);
    await ts.close();
  });

  test("the sender recalls: content leaves storage, a tombstone and an event remain", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "oops, wrong chat" });
    await bob.until(() => bob.messages.some((m) => m.seq === ack.seq));
    await alice.sdk.recall(ack.conversationId, ack.seq);
    await bob.until(
      () =>
        bob.messages.some(
          (m) => m.event?.kind.case === "messageRecalled" && m.event.kind.value.targetSeq === ack.seq,
        ),
      "recall event",
    );
    const h = await bob.sdk.history(ack.conversationId, { afterSeq: Number(ack.seq) - 1, limit: 1 });
    const m = h.messages[0];
    assert.equal(m?.content, undefined);
    assert.equal(m?.recalled?.by, "alice@starling.local");
    const row = await ts.server.store.read.getMessage(ack.conversationId, Number(ack.seq));
    assert.equal(row?.content, null, "the text is gone from the database");
  });

  test("only the sender may recall in a 1:1 chat, and only once", async () => {
    const ack = await alice.sdk.send({ to: "bob", text: "mine" });
    await assert.rejects(bob.sdk.recall(ack.conversationId, ack.seq), code(ErrorCode.FORBIDDEN));
    await alice.sdk.recall(ack.conversationId, ack.seq);
    await assert.rejects(alice.sdk.recall(ack.conversationId, ack.seq), code(ErrorCode.CONFLICT));
  });

  test("a group admin recalls anyone's message; a member cannot", async () => {
    const g = await alice.sdk.createGroup("recalls", ["bob", "carol"]);
    const ack = await bob.sdk.send({ conversationId: g.id, text: "spam" });
    await assert.rejects(carol.sdk.recall(g.id, ack.seq), code(ErrorCode.FORBIDDEN));
    await alice.sdk.recall(g.id, ack.seq);
    await carol.until(
      () => carol.in(g.id).some((m) => m.event?.kind.case === "messageRecalled"),
      "carol sees the recall",
    );
  });

  test("events cannot be recalled", async () => {
    const g = await alice.sdk.createGroup("events", ["bob"]);
    await assert.rejects(alice.sdk.recall(g.id, 1), code(ErrorCode.INVALID_ARGUMENT));
  });
});

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SendCancelledError, type SendState } from "@starling/sdk";
import { login } from "../helpers/clients.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

let ts: TestServer;

before(async () => {
  ts = await startTestServer();
  await ts.addUser("alice");
  await ts.addUser("bob");
});
after(async () => {
  await ts.close();
});

test("sends made offline are queued with their state; a cancelled one is never stored", async () => {
  const relay = new TcpProxy("127.0.0.1", ts.server.tcpPort);
  const port = await relay.start();
  const alice = await login(ts, "alice", "tls", { endpoints: [`tls://127.0.0.1:${port}`] });
  const bob = await login(ts, "bob");
  try {
    const first = await alice.sdk.send({ to: "bob", text: "online" });
    await relay.cut();
    await alice.until(() => alice.sdk.state === "reconnecting", "offline");

    const keep = alice.sdk.send({ to: "bob", text: "keep", clientMsgId: "keep-1" });
    const drop = alice.sdk.send({ to: "bob", text: "drop", clientMsgId: "drop-1" });
    const states = alice.sdk.sendStates();
    assert.deepEqual(
      states.map((s) => [s.clientMsgId, s.state, s.cancellable]),
      [
        ["keep-1", "queued", true],
        ["drop-1", "queued", true],
      ],
    );
    const last = alice.list("sends").at(-1) as SendState[];
    assert.deepEqual(
      last.map((s) => s.clientMsgId),
      ["keep-1", "drop-1"],
      "the sends event carries the queue",
    );

    assert.equal(alice.sdk.cancelSend("drop-1"), true);
    await assert.rejects(drop, SendCancelledError);
    assert.equal(alice.sdk.cancelSend("drop-1"), false, "already gone");
    assert.deepEqual(
      alice.sdk.pendingSends().map((s) => s.clientMsgId),
      ["keep-1"],
    );

    await relay.restore();
    const ack = await keep;
    assert.equal(ack.seq, first.seq + 1n);
    assert.equal(alice.sdk.cancelSend("keep-1"), false, "acknowledged sends cannot be cancelled");
    await bob.until(() => bob.messages.some((m) => m.content?.text === "keep"), "the kept send");
    const history = await bob.sdk.history(ack.conversationId, { afterSeq: 0n });
    assert.deepEqual(
      history.messages.map((m) => m.content?.text),
      ["online", "keep"],
      "the cancelled send was never stored",
    );
    assert.deepEqual(alice.list("sends").at(-1), []);
    await relay.cut();
  } finally {
    await alice.close();
    await bob.close();
  }
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { type Client, login } from "../../helpers/clients.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

const isCode = (code: ErrorCode) => (e: { code?: number }) => e.code === code;

/** Pinned messages, delete-for-me and favourites through the SDK, across devices and users. */
describe("pins, hidden messages and favourites", () => {
  let ts: TestServer;
  let phone: Client;
  let laptop: Client;
  let bob: Client;
  let carol: Client;
  let conv = "";

  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob", "carol"]) await ts.addUser(n);
    phone = await login(ts, "alice", "tls", { device: { deviceId: "phone" } });
    laptop = await login(ts, "alice", "ws", { device: { deviceId: "laptop" } });
    bob = await login(ts, "bob");
    carol = await login(ts, "carol", "ws");
    conv = (await bob.sdk.send({ to: "alice", text: "one" })).conversationId;
    await bob.sdk.send({ conversationId: conv, text: "two" });
    await bob.sdk.send({ conversationId: conv, text: "three" });
    await laptop.until(() => laptop.in(conv).length === 3, "the laptop has the chat");
  });
  after(async () => {
    for (const c of [phone, laptop, bob, carol]) await c.close();
    await ts.close();
  });

  test("a favourite saved on one device appears on the other, and so does its removal", async () => {
    const fav = await phone.sdk.addFavourite(conv, 2);
    assert.deepEqual([fav.conversationId, fav.seq, fav.message.content?.text], [conv, 2n, "two"]);
    await laptop.until(
      () => laptop.list("favouritesChanged").some((c) => c.added?.id === fav.id),
      "the laptop is told",
    );
    const listed = await laptop.sdk.favourites();
    assert.deepEqual(
      listed.favourites.map((f) => [f.id, f.message.content?.text]),
      [[fav.id, "two"]],
    );
    assert.equal(listed.hasMore, false);
    assert.equal(phone.list("favouritesChanged").length, 0, "the saving device gets no echo");
    await laptop.sdk.removeFavourite(fav.id);
    await phone.until(
      () => phone.list("favouritesChanged").some((c) => c.removedId === fav.id),
      "the phone is told of the removal",
    );
    assert.deepEqual((await phone.sdk.favourites()).favourites, []);
  });

  test("messages deleted for me on one device are hidden on the other, and only for me", async () => {
    await phone.sdk.hideMessages(conv, [1, 3n]);
    assert.deepEqual(phone.sdk.conversations.get(conv)?.hiddenSeqs, [1n, 3n]);
    await laptop.until(
      () => laptop.sdk.conversations.get(conv)?.hiddenSeqs.length === 2,
      "the laptop learns the hidden seqs",
    );
    assert.equal(laptop.sdk.conversations.get(conv)?.lastMessage?.seq, 2n, "its preview skips them");
    // History keeps every seq, so a client's gapless check still holds.
    const page = await laptop.sdk.history(conv, { afterSeq: 0 });
    assert.deepEqual(
      page.messages.map((m) => m.seq),
      [1n, 2n, 3n],
    );
    assert.deepEqual((await bob.sdk.getConversation(conv)).hiddenSeqs, [], "bob still sees them");
    await assert.rejects(carol.sdk.hideMessages(conv, [2]), isCode(ErrorCode.NOT_FOUND));
  });

  test("a pin is seen by both users, and by one who was offline once they reconnect", async () => {
    const relay = new TcpProxy("127.0.0.1", ts.server.tcpPort);
    const port = await relay.start();
    const state = bob.sdk.syncState();
    const bobAgain = await login(ts, "bob", "tls", {
      endpoints: [ts.tlsUrl.replace(`:${ts.server.tcpPort}`, `:${port}`)],
      state,
    });
    try {
      await phone.sdk.pinMessage(conv, 2);
      assert.deepEqual(phone.sdk.conversations.get(conv)?.pinnedSeqs, [2n]);
      for (const c of [bob, bobAgain])
        await c.until(
          () => c.sdk.conversations.get(conv)?.pinnedSeqs.join() === "2",
          "bob's devices see the pin",
        );
      const event = bob.in(conv).find((m) => m.event?.kind.case === "messagePinned");
      assert.deepEqual(event?.event?.kind.value, {
        $typeName: "starling.v1.MessagePinned",
        by: phone.sdk.userId,
        targetSeq: 2n,
        pinned: true,
      });

      await relay.cut();
      await bobAgain.until(() => bobAgain.sdk.state !== "online", "bob's second device is cut off");
      await bob.sdk.pinMessage(conv, 1);
      await bob.sdk.pinMessage(conv, 2, false);
      await relay.restore();
      await bobAgain.until(
        () => bobAgain.sdk.conversations.get(conv)?.pinnedSeqs.join() === "1",
        "caught up after reconnecting",
      );
      await phone.until(() => phone.sdk.conversations.get(conv)?.pinnedSeqs.join() === "1", "alice too");
    } finally {
      await bobAgain.close();
      await relay.cut();
    }
  });

  test("outsiders can neither pin, nor save, nor see another user's favourites", async () => {
    await assert.rejects(carol.sdk.pinMessage(conv, 2), isCode(ErrorCode.NOT_FOUND));
    await assert.rejects(carol.sdk.addFavourite(conv, 2), isCode(ErrorCode.NOT_FOUND));
    const mine = await phone.sdk.addFavourite(conv, 1);
    assert.deepEqual((await carol.sdk.favourites()).favourites, []);
    await assert.rejects(carol.sdk.removeFavourite(mine.id), isCode(ErrorCode.NOT_FOUND));
    assert.equal((await phone.sdk.favourites()).favourites[0]?.id, mine.id, "still alice's");

    // In a group only the owner and admins pin.
    const g = await phone.sdk.createGroup("team", ["bob", "carol"]);
    const ack = await carol.sdk.send({ conversationId: g.id, text: "pin me" });
    await assert.rejects(carol.sdk.pinMessage(g.id, ack.seq), isCode(ErrorCode.FORBIDDEN));
    await phone.sdk.setMemberRole(g.id, "carol", "admin");
    await carol.sdk.pinMessage(g.id, ack.seq);
    assert.deepEqual((await bob.sdk.getConversation(g.id)).pinnedSeqs, [ack.seq]);
  });
});

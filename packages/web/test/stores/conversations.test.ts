import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/sdk";
import { poll } from "../../../server/test/helpers/poll.js";
import type { Chat } from "../../src/stores/chat.js";
import { StoresHarness, until } from "./harness.js";

describe("the conversation list against a real server", () => {
  let h: StoresHarness;
  let bob: Chat;
  let lastTime = 0;
  const chatWith = (name: string) => directConversationId(h.id(name), h.id("bob"));
  /** Who bob's chats are with, in list order. */
  const order = () => bob.conversations.list().map((c) => c.peerId.split("@")[0]);
  const unread = (name: string) => bob.conversations.get(chatWith(name))?.unreadCount;
  /** A message to bob strictly later than the one before, so the order by time is unambiguous. */
  const sendLater = async (from: string, text: string) => {
    await poll(
      () => Date.now(),
      (t) => t > lastTime,
      "the clock to move on",
    );
    lastTime = (await h.send(from, "bob", text)).serverTime;
  };

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob", "carol", "dave", "eve");
    // The opposite of the ids' order, so an order by id alone would fail.
    await sendLater("alice", "a1");
    await sendLater("alice", "a2");
    await sendLater("carol", "c1");
    await sendLater("dave", "d1");
    bob = await h.login("bob");
    await until(bob.conversations, () => order().length === 3, "three chats");
  });
  after(() => h.close());

  test("latest activity first, with unread counts", () => {
    assert.deepEqual(order(), ["dave", "carol", "alice"]);
    assert.deepEqual(["alice", "carol", "dave"].map(unread), [2, 1, 1]);
  });

  test("a new message moves its chat to the top and counts as unread", async () => {
    await sendLater("alice", "a3");
    await until(bob.conversations, () => order()[0] === "alice", "alice's chat on top");
    assert.deepEqual(order(), ["alice", "dave", "carol"]);
    assert.equal(unread("alice"), 3);
    assert.equal(bob.conversations.get(chatWith("alice"))?.lastMessage?.content?.text, "a3");
  });

  test("pinned chats come first, the latest pin on top, whatever their activity", async () => {
    await bob.conversations.setPrefs(chatWith("carol"), { pinned: true });
    await until(bob.conversations, () => order()[0] === "carol", "carol pinned on top");
    assert.deepEqual(order(), ["carol", "alice", "dave"]);
    await poll(
      () => Date.now(),
      (t) => t > Number(bob.conversations.get(chatWith("carol"))?.pinnedAt),
      "a later pin",
    );
    await bob.conversations.setPrefs(chatWith("dave"), { pinned: true });
    await until(bob.conversations, () => order()[0] === "dave", "dave pinned on top");
    assert.deepEqual(order(), ["dave", "carol", "alice"]);
    for (const name of ["carol", "dave"]) await bob.conversations.setPrefs(chatWith(name), { pinned: false });
    await until(bob.conversations, () => order()[0] === "alice", "unpinned");
    assert.deepEqual(order(), ["alice", "dave", "carol"]);
  });

  test("reading a chat clears its unread count, and only its own", async () => {
    await bob.receipts.markRead(chatWith("alice"));
    await until(bob.conversations, () => unread("alice") === 0, "alice's chat read");
    assert.deepEqual(["alice", "carol", "dave"].map(unread), [0, 1, 1]);
  });

  test("a 1:1 chat opened before its first message is a draft until it is sent", async () => {
    const id = bob.conversations.openDirect(h.id("eve"));
    assert.equal(id, chatWith("eve"));
    assert.equal(bob.conversations.drafts.get(id), h.id("eve"));
    assert.equal(bob.conversations.get(id), undefined);
    assert.ok(!order().includes("eve"), "a draft is not in the list");
    await bob.windows.send(id, "hello eve");
    assert.equal(bob.conversations.drafts.has(id), false);
    assert.equal(bob.windows.messages(id).at(-1)?.content?.text, "hello eve");
    await until(bob.conversations, () => order()[0] === "eve", "eve's chat on top");
    assert.equal(unread("eve"), 0, "one's own message is not unread");
  });

  test("opening a chat that exists is no draft", () => {
    assert.equal(bob.conversations.openDirect(h.id("alice")), chatWith("alice"));
    assert.equal(bob.conversations.drafts.has(chatWith("alice")), false);
  });
});

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { create, directConversationId, SendMessageSchema } from "@starling/sdk";
import type { Chat } from "../../src/stores/chat.js";
import { PAGE } from "../../src/stores/message-windows.js";
import { StoresHarness, until } from "./harness.js";

describe("a reply whose original is not loaded", () => {
  let h: StoresHarness;
  let alice: Chat;
  let conv = "";

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob");
    await h.send("bob", "alice", "the original");
    for (let i = 0; i < PAGE + 5; i++) await h.send("bob", "alice", `filler ${i}`);
    await h.ts.server.core.send(
      h.id("bob"),
      create(SendMessageSchema, {
        toUserId: h.id("alice"),
        clientMsgId: randomUUID(),
        content: { text: "answering that", replyToSeq: 1n },
      }),
    );
    conv = directConversationId(h.id("alice"), h.id("bob"));
    alice = await h.login("alice");
    await until(alice.conversations, () => alice.conversations.get(conv) !== undefined, "the chat");
    await alice.windows.open(conv);
  });
  after(() => h.close());

  test("its original is fetched by seq and named, then follows a recall", async () => {
    assert.ok(!alice.windows.messages(conv).some((m) => m.seq === 1n), "the original is outside the window");
    const reply = alice.windows.messages(conv).find((m) => m.content?.text === "answering that");
    assert.equal(reply?.content?.replyToSeq, 1n);
    assert.equal(alice.windows.quoted(conv, 1n), undefined, "asked for, not there yet");
    await until(alice.windows, () => alice.windows.quoted(conv, 1n) !== undefined, "the quoted message");
    assert.equal(alice.windows.quoted(conv, 1n)?.content?.text, "the original");

    await h.ts.server.core.recaller.recall(h.id("bob"), conv, 1);
    await until(alice.windows, () => alice.windows.quoted(conv, 1n)?.recalled !== undefined, "the recall");
  });
});

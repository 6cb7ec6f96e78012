import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, directConversationId, type Message, MessageSchema } from "@starling/sdk";
import type { Chat } from "../../src/stores/chat.js";
import { FORWARD_TYPE, forwardBody, forwardFallback, parseForward } from "../../src/stores/forward.js";
import { Selection } from "../../src/stores/selection.js";
import { quoteMarkdown, withQuote } from "../../src/ui/menu/quote.js";
import { StoresHarness, until } from "./harness.js";

const message = (seq: number, senderId: string, text: string, extra: Record<string, unknown> = {}): Message =>
  create(MessageSchema, {
    conversationId: "d:a|b",
    seq: BigInt(seq),
    senderId,
    serverTime: BigInt(1_700_000_000_000 + seq),
    content: { text },
    ...extra,
  });
const names: Record<string, string> = { "a@x": "Alice", "b@x": "Bob" };
const nameOf = (id: string) => names[id] ?? id;

describe("the merged forward's body and fallback", () => {
  test("items in seq order under display names; events and recalled messages are left out", () => {
    const body = forwardBody(
      [
        message(3, "b@x", "third"),
        message(1, "a@x", "first"),
        message(2, "a@x", "", { content: undefined, recalled: { by: "a@x", at: 1n } }),
      ],
      "Chat history of Alice and Bob",
      nameOf,
    );
    assert.deepEqual(
      body.items.map((i) => [i.sender, i.senderId, i.text, i.time]),
      [
        ["Alice", "a@x", "first", 1_700_000_000_001],
        ["Bob", "b@x", "third", 1_700_000_000_003],
      ],
    );
  });

  test("the body parses back from a message; anything else is not a forward", () => {
    const body = forwardBody([message(1, "a@x", "hi")], "T", nameOf);
    const sent = message(9, "a@x", "fallback", {
      content: {
        text: "fallback",
        custom: { type: FORWARD_TYPE, json: JSON.stringify(body) },
      },
    });
    assert.deepEqual(
      parseForward(sent)?.items.map((i) => i.text),
      ["hi"],
    );
    assert.equal(parseForward(message(1, "a@x", "plain")), undefined);
    const broken = message(2, "a@x", "x", {
      content: { text: "x", custom: { type: FORWARD_TYPE, json: '{"items":3}' } },
    });
    assert.equal(parseForward(broken), undefined);
  });

  test("a forward of a forward keeps the inner one's items, one level deep", () => {
    const inner = forwardBody([message(1, "a@x", "deep")], "Inner", nameOf);
    const outer = forwardBody(
      [
        message(5, "b@x", "[Inner]", {
          content: {
            text: "[Inner]",
            custom: { type: FORWARD_TYPE, json: JSON.stringify(inner) },
          },
        }),
      ],
      "Outer",
      nameOf,
    );
    assert.equal(outer.items[0]?.forward?.title, "Inner");
    assert.equal(outer.items[0]?.forward?.items[0]?.text, "deep");
  });

  test("the plain-text fallback: title, then one line per item, files counted, cut to the limit", () => {
    const body = forwardBody([message(1, "a@x", "hello"), message(2, "b@x", "")], "History", nameOf);
    body.items[1]?.files.push({
      fileId: "f1",
      name: "a.pdf",
      mime: "application/pdf",
      size: 3,
      kind: 2,
      hasThumbnail: false,
    });
    const files = (n: number) => `[${n} files]`;
    assert.equal(forwardFallback(body, 1000, files), "[History]\nAlice: hello\nBob: [1 files]");
    const cut = forwardFallback(body, 12, files);
    assert.equal(cut.length, 12);
    assert.ok(cut.endsWith("…"));
  });
});

describe("quoting a message into the composer", () => {
  test("every line quoted, the first under the sender's name, with a blank line after", () => {
    assert.equal(quoteMarkdown("Bob Li", "one\ntwo"), "> **Bob Li**: one\n> two\n\n");
    // Markdown in the name cannot break the bold.
    assert.equal(quoteMarkdown("*Bob*", "x"), "> **Bob**: x\n\n");
  });
  test("added after what is written, on its own lines", () => {
    assert.equal(withQuote("", "> q\n\n"), "> q\n\n");
    assert.equal(withQuote("hello\n", "> q\n\n"), "hello\n\n> q\n\n");
  });
});

describe("multi-select", () => {
  test("ticks belong to one chat; starting in another or cancelling clears them", () => {
    const s = new Selection();
    s.start("c1", 5n);
    s.toggle(2n);
    s.toggle(9n);
    s.toggle(9n);
    assert.deepEqual(s.chosen(), [2n, 5n]);
    assert.equal(s.active, "c1");
    s.start("c2");
    assert.deepEqual(s.chosen(), []);
    s.toggle(1n);
    s.cancel();
    assert.equal(s.active, undefined);
    assert.equal(s.size, 0);
    // Outside a selection a toggle does nothing.
    s.toggle(3n);
    assert.equal(s.size, 0);
  });
});

describe("forwarding against a real server", () => {
  let h: StoresHarness;
  let alice: Chat;
  let fromBob = "";
  let withCarol = "";
  let withDave = "";

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob", "carol", "dave", "erin");
    await h.send("bob", "alice", "one");
    await h.send("bob", "alice", "two");
    await h.send("carol", "alice", "hi");
    await h.send("dave", "alice", "hi");
    fromBob = directConversationId(h.id("alice"), h.id("bob"));
    withCarol = directConversationId(h.id("alice"), h.id("carol"));
    withDave = directConversationId(h.id("alice"), h.id("dave"));
    alice = await h.login("alice");
    await until(alice.conversations, () => alice.conversations.get(withDave) !== undefined, "alice's chats");
    await alice.windows.open(fromBob);
  });
  after(() => h.close());

  const last = async (conversationId: string) => {
    const c = alice.session.client;
    assert.ok(c);
    const page = await c.history(conversationId, { beforeSeq: 1000n, limit: 5 });
    return page.messages[page.messages.length - 1];
  };

  test("each message to each chat, in order", async () => {
    const msgs = [...alice.windows.messages(fromBob)].reverse();
    const result = await alice.forwarding.each(msgs, [withCarol, withDave]);
    assert.deepEqual(result, { sent: [withCarol, withDave], failed: [] });
    for (const id of [withCarol, withDave]) {
      const c = alice.session.client;
      const page = await c?.history(id, { beforeSeq: 1000n, limit: 5 });
      assert.deepEqual(
        page?.messages.slice(-2).map((m) => m.content?.text),
        ["one", "two"],
      );
    }
  });

  test("forwarded into the open chat itself, it shows in its window", async () => {
    const one = alice.windows.messages(fromBob).find((m) => m.content?.text === "one");
    assert.ok(one);
    await alice.forwarding.each([one], [fromBob]);
    await until(
      alice.windows,
      () =>
        alice.windows
          .messages(fromBob)
          .some((m) => m.senderId === h.id("alice") && m.content?.text === "one"),
      "the forwarded copy in alice's window",
    );
  });

  test("merged: one message with the custom body and the fallback; a refused chat is reported, the others still get it", async () => {
    const msgs = alice.windows.messages(fromBob).filter((m) => m.senderId === h.id("bob"));
    const body = forwardBody(msgs, "History", (id) => id.split("@")[0] ?? id);
    const text = forwardFallback(body, 1000, (n) => `[${n}]`);
    const notMine = `g:nonexistent`;
    const result = await alice.forwarding.merged(body, text, [notMine, withCarol]);
    assert.deepEqual(result.sent, [withCarol]);
    assert.equal(result.failed[0]?.conversationId, notMine);
    const m = await last(withCarol);
    assert.equal(m?.content?.text, "[History]\nbob: one\nbob: two");
    assert.deepEqual(
      parseForward(m)?.items.map((i) => i.text),
      ["one", "two"],
    );
  });
});

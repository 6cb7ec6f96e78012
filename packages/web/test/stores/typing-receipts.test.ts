import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
  create,
  type Member,
  MemberSchema,
  MessageSchema,
  ReceiptSchema,
  TypingEventSchema,
} from "@starling/sdk";
import { Receipts } from "../../src/stores/receipts.js";
import type { Session } from "../../src/stores/session.js";
import { Typing } from "../../src/stores/typing.js";

/** The part of a session these stores use: who is signed in, and a client that records what it is asked. */
function fakeSession(client: object): Session {
  return { userId: "me@x", client, owns: (c: object) => c === client } as unknown as Session;
}

describe("typing, with a clock of the test's own", () => {
  let typing: Typing | undefined;
  afterEach(() => typing?.reset());

  test("one's own typing is announced at most every three seconds per chat", () => {
    const sent: string[] = [];
    let now = 1_000_000;
    typing = new Typing(fakeSession({ typing: async (id: string) => void sent.push(id) }), () => now);
    typing.typing("c1");
    typing.typing("c1");
    typing.typing("c2");
    now += 2999;
    typing.typing("c1");
    now += 1;
    typing.typing("c1");
    assert.deepEqual(sent, ["c1", "c2", "c1"]);
  });

  test("others typing show until they stop, send, or go quiet for six seconds", () => {
    let now = 0;
    typing = new Typing(fakeSession({}), () => now);
    const t = typing;
    const event = (userId: string, on = true) =>
      create(TypingEventSchema, { conversationId: "c1", userId, typing: on });
    t.received(event("me@x"));
    t.received(event("a@x"));
    t.received(event("b@x"));
    t.received(event("c@x"));
    assert.deepEqual(t.typingIn("c1"), ["a@x", "b@x", "c@x"], "not oneself");
    assert.deepEqual(t.typingIn("c2"), []);
    t.received(event("b@x", false));
    t.messageFrom(create(MessageSchema, { conversationId: "c1", senderId: "c@x", seq: 1n }));
    assert.deepEqual(t.typingIn("c1"), ["a@x"]);
    now += 5999;
    assert.deepEqual(t.typingIn("c1"), ["a@x"]);
    now += 1;
    assert.deepEqual(t.typingIn("c1"), []);
  });
});

describe("group receipts", () => {
  test("members are loaded once on demand, and their cursors only move forward", async () => {
    const asked: string[] = [];
    const members: Member[] = [
      create(MemberSchema, { userId: "a@x", readSeq: 5n, deliveredSeq: 7n }),
      create(MemberSchema, { userId: "b@x", readSeq: 1n, deliveredSeq: 1n }),
    ];
    const receipts = new Receipts(
      fakeSession({
        members: async (id: string) => {
          asked.push(id);
          return members;
        },
      }),
    );
    assert.equal(receipts.groupMembers("g1"), undefined);
    assert.equal(receipts.groupMembers("g1"), undefined, "asked once while loading");
    await new Promise<void>((resolve) => {
      const off = receipts.subscribe(() => {
        off();
        resolve();
      });
    });
    assert.deepEqual(asked, ["g1"]);
    const receipt = (userId: string, readSeq: bigint, deliveredSeq: bigint) =>
      create(ReceiptSchema, { conversationId: "g1", userId, readSeq, deliveredSeq });
    receipts.received(receipt("a@x", 3n, 9n));
    receipts.received(receipt("b@x", 4n, 4n));
    const cursors = () => receipts.groupMembers("g1")?.map((m) => [m.userId, m.readSeq, m.deliveredSeq]);
    assert.deepEqual(cursors(), [
      ["a@x", 5n, 9n],
      ["b@x", 4n, 4n],
    ]);
    // A membership change: the list is read again when next needed.
    receipts.conversationChanged("g1");
    assert.equal(receipts.groupMembers("g1"), undefined);
    assert.deepEqual(asked, ["g1", "g1"]);
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create, type Message, MessageSchema } from "@starling/sdk";
import { type Favourite, MessageExtras } from "../../src/stores/message-extras.js";
import type { Session } from "../../src/stores/session.js";

/**
 * The adapter between the interface and the SDK's pins, favourites and
 * delete-for-me, over a stand-in client: what it offers follows what the
 * client has, a deletion shows at once and is undone if the server refuses,
 * and favourites page by their time of saving.
 */
const message = (seq: number): Message =>
  create(MessageSchema, {
    conversationId: "c1",
    seq: BigInt(seq),
    senderId: "a@x",
    content: { text: `m${seq}` },
  });
const favourite = (n: number): Favourite => ({
  id: `f${n}`,
  conversationId: "c1",
  seq: BigInt(n),
  savedAt: BigInt(1000 + n),
  message: message(n),
});
const sessionWith = (client: object | undefined) => ({ client }) as unknown as Session;

describe("pins, favourites and delete-for-me", () => {
  test("nothing is offered by a client without the calls", () => {
    const extras = new MessageExtras(sessionWith({ conversations: new Map() }));
    assert.deepEqual(extras.can, { pin: false, favourites: false, hide: false });
    assert.deepEqual(extras.pinnedSeqs("c1"), []);
    assert.equal(extras.isHidden(message(1)), false);
    assert.deepEqual(new MessageExtras(sessionWith(undefined)).can, {
      pin: false,
      favourites: false,
      hide: false,
    });
  });

  test("pins come from the conversation; hidden from the message, the conversation, or this device", async () => {
    const refuse = { value: false };
    const asked: bigint[][] = [];
    const conversations = new Map([["c1", { id: "c1", pinnedSeqs: [7n, 2n], hiddenSeqs: [3n] }]]);
    const extras = new MessageExtras(
      sessionWith({
        conversations,
        pinMessage: async () => {},
        hideMessages: async (_id: string, seqs: bigint[]) => {
          asked.push(seqs);
          if (refuse.value) throw new Error("no");
        },
      }),
    );
    assert.equal(extras.can.pin, true);
    assert.deepEqual(extras.pinnedSeqs("c1"), [7n, 2n], "the most recently pinned first");
    assert.equal(extras.isPinned("c1", 7n), true);
    assert.equal(extras.isHidden(message(3)), true);
    assert.equal(extras.isHidden({ ...message(4), hidden: true } as Message), true);

    await extras.hide("c1", [5n, 6n]);
    assert.deepEqual(asked, [[5n, 6n]]);
    assert.equal(extras.isHidden(message(5)), true);

    // Refused: the message comes back.
    refuse.value = true;
    const hiding = extras.hide("c1", [8n]);
    assert.equal(extras.isHidden(message(8)), true, "gone at once");
    await assert.rejects(hiding);
    assert.equal(extras.isHidden(message(8)), false);
  });

  test("favourites: the newest page, older pages after the oldest, added on top, removed", async () => {
    const all = [5, 4, 3, 2, 1].map(favourite);
    const queries: { before?: string; limit?: number }[] = [];
    const extras = new MessageExtras(
      sessionWith({
        conversations: new Map(),
        favourites: async (q: { before?: string; limit?: number }) => {
          queries.push(q);
          const at = all.findIndex((f) => f.id === q.before);
          const from = q.before === undefined ? all : all.slice(at + 1);
          return { favourites: from.slice(0, 3), hasMore: from.length > 3 };
        },
        addFavourite: async (_c: string, seq: bigint) => favourite(Number(seq)),
        removeFavourite: async () => {},
      }),
    );
    assert.equal(extras.can.favourites, true);
    await extras.loadFavourites();
    assert.deepEqual(
      extras.favourites().map((f) => f.id),
      ["f5", "f4", "f3"],
    );
    assert.equal(extras.hasMore, true);
    await extras.loadOlderFavourites();
    assert.deepEqual(
      extras.favourites().map((f) => f.id),
      ["f5", "f4", "f3", "f2", "f1"],
    );
    assert.equal(queries[1]?.before, "f3");
    assert.equal(extras.hasMore, false);
    await extras.addFavourite("c1", 9n);
    assert.equal(extras.favourites()[0]?.id, "f9");
    assert.equal(extras.favouriteOf("c1", 9n)?.id, "f9");
    await extras.removeFavourite("f4");
    assert.equal(extras.favouriteOf("c1", 4n), undefined);
    // Another device saved one and removed one.
    extras.changedElsewhere({ added: favourite(11) });
    extras.changedElsewhere({ removedId: "f5" });
    assert.deepEqual(
      extras.favourites().map((f) => f.id),
      ["f11", "f9", "f3", "f2", "f1"],
    );
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, ErrorCode, SendMessageSchema } from "@starling/protocol";
import type { KyselyStore } from "../../src/adapters/store/kysely-store.js";
import type { Core } from "../../src/core/core.js";
import { coreOn, freshStore, postgresUnavailable, type StoreUnderTest } from "../helpers/stores.js";

/**
 * The mentions index on every store: the "@me" list across conversations
 * (newest first, paged, by id or @all, never one's own, gone when recalled,
 * bounded by the read rule for someone who left) and a conversation's
 * count of unread mentions.
 */
const pgProblem = await postgresUnavailable();
if (pgProblem) console.log(`# postgres mentions contract SKIPPED: ${pgProblem}`);

const D = "@example.com";

for (const name of ["sqlite", "postgres"] as const) {
  const skip = name === "postgres" ? pgProblem : undefined;
  describe(`mentions contract on ${name}`, { skip }, () => {
    let sut: StoreUnderTest;
    let store: KyselyStore;
    let core: Core;
    let group = "";
    let direct = "";

    const send = async (
      from: string,
      text: string,
      to: { user?: string; conv?: string },
      mentioned: string[],
    ) => {
      const mentions = mentioned.map((u) => {
        const label = u === "@all" ? "@all" : `@${u}`;
        return { userId: u === "@all" ? u : `${u}${D}`, offset: text.indexOf(label), length: label.length };
      });
      return core.send(
        `${from}${D}`,
        create(SendMessageSchema, {
          toUserId: to.user ? `${to.user}${D}` : "",
          conversationId: to.conv ?? "",
          clientMsgId: `${from}-${Buffer.from(text).toString("hex").slice(0, 40)}`,
          content: { text, mentions },
        }),
      );
    };
    const listed = async (who: string, limit = 50, cursor = "") => {
      const page = await core.mentions.page(`${who}${D}`, limit, cursor);
      return { texts: page.messages.map((m) => m.content?.text), next: page.nextCursor };
    };
    const unread = async (who: string, conv: string) =>
      (await core.sync.one(`${who}${D}`, conv)).unreadMentions;

    before(async () => {
      sut = await freshStore(name);
      store = await sut.open();
      // Every message a millisecond after the one before, so that newest first is one order.
      let t = 1_700_000_000_000;
      core = coreOn(store, "example.com", undefined, { now: () => t++ });
      await core.accounts.ensureDomain("example.com");
      for (const u of ["alice", "bob", "carol"])
        await core.accounts.createUser({ id: `${u}${D}`, password: `${u}-password`, displayName: u });
      group = (await core.groups.create({ userId: `alice${D}` }, "Team", [`bob${D}`, `carol${D}`])).id;
      await send("alice", "hi @bob", { conv: group }, ["bob"]);
      await send("bob", "plain words", { conv: group }, []);
      await send("alice", "@all standup", { conv: group }, ["@all"]);
      await send("alice", "@bob and @all both", { conv: group }, ["bob", "@all"]);
      direct = (await send("carol", "@bob see this", { user: "bob" }, ["bob"])).conversationId;
      await send("bob", "@bob myself", { conv: group }, ["bob"]);
      const recalled = await send("alice", "@bob oops", { conv: group }, ["bob"]);
      await core.recaller.recall(`alice${D}`, group, Number(recalled.seq));
    });
    after(async () => {
      await store.close();
      await sut.drop();
    });

    test("messages mentioning me by id or @all, newest first; never my own, never recalled", async () => {
      assert.deepEqual((await listed("bob")).texts, [
        "@bob see this",
        "@bob and @all both",
        "@all standup",
        "hi @bob",
      ]);
      assert.deepEqual((await listed("carol")).texts, ["@bob and @all both", "@all standup"]);
      assert.deepEqual((await listed("alice")).texts, [], "her own @all is not a mention of her");
    });

    test("pages follow the cursor to the end; a bad cursor is refused", async () => {
      const first = await listed("bob", 3);
      assert.equal(first.texts.length, 3);
      assert.notEqual(first.next, "");
      const second = await listed("bob", 3, first.next);
      assert.deepEqual(second.texts, ["hi @bob"]);
      assert.equal(second.next, "");
      await assert.rejects(core.mentions.page(`bob${D}`, 3, "nonsense"), (e: { code?: number }) => {
        return e.code === ErrorCode.INVALID_ARGUMENT;
      });
    });

    test("unread mentions count what I have not read, and reading clears them", async () => {
      assert.equal(await unread("bob", group), 3, "by id, @all, and both in one message once");
      assert.equal(await unread("bob", direct), 1);
      assert.equal(await unread("alice", group), 0);
      const conv = await core.sync.one(`bob${D}`, group);
      await core.receipts.markRead(`bob${D}`, group, Number(conv.lastSeq));
      assert.equal(await unread("bob", group), 0);
    });

    test("someone who left keeps the mentions from before, not after", async () => {
      await core.groups.leave({ userId: `carol${D}` }, group);
      await send("alice", "@all after carol left", { conv: group }, ["@all"]);
      assert.deepEqual((await listed("carol")).texts, ["@bob and @all both", "@all standup"]);
      assert.deepEqual((await listed("bob")).texts[0], "@all after carol left");
    });
  });
}

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/sdk";
import type { Chat } from "../../src/stores/chat.js";
import { PAGE, WINDOW } from "../../src/stores/message-windows.js";
import { StoresHarness, seqs, until } from "./harness.js";

/** More than two windows' worth, so paging has to drop both ends on the way back and forth. */
const COUNT = 700;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("message windows against a real server", () => {
  let h: StoresHarness;
  let bob: Chat;
  let id: string;

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob");
    for (let i = 1; i <= COUNT; i++) await h.send("alice", "bob", `line ${i}`);
    bob = await h.login("bob");
    id = directConversationId(h.id("alice"), h.id("bob"));
    await until(
      bob.conversations,
      () => bob.conversations.get(id)?.lastSeq === BigInt(COUNT),
      "the chat synced",
    );
  });
  after(() => h.close());

  test("opening loads the newest page, in seq order", async () => {
    const w = bob.windows;
    assert.deepEqual(seqs(w.messages(id)), []);
    await w.open(id);
    assert.deepEqual(seqs(w.messages(id)), range(COUNT - PAGE + 1, COUNT));
    assert.equal(w.messages(id).at(-1)?.content?.text, `line ${COUNT}`);
    assert.equal(w.complete(id), false);
    assert.equal(w.behind(id), false);
    // Opened already: nothing is loaded again.
    await w.open(id);
    assert.equal(w.messages(id).length, PAGE);
  });

  test("paging back keeps at most WINDOW messages, dropping the newest end, down to seq 1", async () => {
    const w = bob.windows;
    let oldest = COUNT - PAGE + 1;
    while (!w.complete(id)) {
      await w.loadOlder(id);
      const got = seqs(w.messages(id));
      assert.ok(got.length <= WINDOW, `${got.length} messages loaded`);
      assert.ok(got[0] !== undefined && got[0] < oldest, "an older page arrived");
      oldest = got[0] ?? oldest;
      assert.deepEqual(got, range(oldest, oldest + got.length - 1), "no gaps, no duplicates");
      // Past the window the newest end is gone, so the window is behind.
      assert.equal(w.behind(id), oldest + got.length - 1 < COUNT);
    }
    assert.deepEqual(seqs(w.messages(id)), range(1, WINDOW));
    assert.equal(w.behind(id), true);
  });

  test("a message pushed while the window is behind waits for paging to reach it", async () => {
    const w = bob.windows;
    await h.send("alice", "bob", "while behind");
    await until(
      bob.conversations,
      () => bob.conversations.get(id)?.lastSeq === BigInt(COUNT + 1),
      "the push",
    );
    assert.deepEqual(seqs(w.messages(id)), range(1, WINDOW));
  });

  test("paging forward drops the oldest end and gets back to the newest", async () => {
    const w = bob.windows;
    const newest = COUNT + 1;
    while (w.behind(id)) {
      await w.loadNewer(id);
      const got = seqs(w.messages(id));
      assert.ok(got.length <= WINDOW, `${got.length} messages loaded`);
      assert.deepEqual(got, range(got[0] ?? 0, (got[0] ?? 0) + got.length - 1), "no gaps, no duplicates");
      assert.equal(w.complete(id), got[0] === 1);
    }
    const got = seqs(w.messages(id));
    assert.deepEqual(got, range(newest - WINDOW + 1, newest));
    assert.equal(w.messages(id).at(-1)?.content?.text, "while behind");
  });

  test("at the newest, a pushed message joins the window once, however often it comes", async () => {
    const w = bob.windows;
    await h.send("alice", "bob", "live");
    await until(w, () => w.messages(id).at(-1)?.content?.text === "live", "the live message");
    const last = w.messages(id).at(-1);
    assert.ok(last);
    const before = seqs(w.messages(id));
    // The same message again (a push and a page overlapping): no duplicate, order kept.
    w.received(last);
    w.received({ ...last });
    assert.deepEqual(seqs(w.messages(id)), before);
    assert.equal(before.at(-1), COUNT + 2);
  });

  test("a jump into history loads around the target; back to the newest by paging", async () => {
    const w = bob.windows;
    await w.openAt(id, 400n);
    assert.deepEqual(seqs(w.messages(id)), range(376, 376 + PAGE - 1));
    assert.equal(w.behind(id), true);
    assert.equal(w.complete(id), false);
    // A jump near the start has the oldest message in.
    await w.openAt(id, 10n);
    assert.deepEqual(seqs(w.messages(id)), range(1, PAGE));
    assert.equal(w.complete(id), true);
    assert.equal(w.behind(id), true);
    await w.openAt(id, 690n);
    while (w.behind(id)) await w.loadNewer(id);
    assert.equal(w.messages(id).at(-1)?.content?.text, "live");
    assert.equal(w.behind(id), false);
  });

  test("a conversation the user is not in loads nothing", async () => {
    const w = bob.windows;
    await w.open("d:nobody@x|other@x");
    assert.deepEqual(seqs(w.messages("d:nobody@x|other@x")), []);
  });
});

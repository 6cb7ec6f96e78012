import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/sdk";
import { MemoryStorage, StoresHarness, until } from "./harness.js";

describe("drafts per conversation against a real server", () => {
  let h: StoresHarness;
  const chatWith = (a: string, b: string) => directConversationId(h.id(a), h.id(b));

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob", "carol");
    await h.send("bob", "alice", "hi alice");
    await h.send("carol", "alice", "hi from carol");
  });
  after(() => h.close());

  test("each chat keeps its own draft; an emptied one is forgotten", async () => {
    const alice = await h.login("alice");
    const bobChat = chatWith("alice", "bob");
    const carolChat = chatWith("alice", "carol");
    let changes = 0;
    const off = alice.drafts.subscribe(() => changes++);
    alice.drafts.set(bobChat, "see you at", [{ userId: h.id("bob"), offset: 0, length: 4 }]);
    alice.drafts.set(carolChat, "  ");
    assert.equal(alice.drafts.get(bobChat).text, "see you at");
    assert.deepEqual(alice.drafts.get(bobChat).mentions, [{ userId: h.id("bob"), offset: 0, length: 4 }]);
    assert.equal(alice.drafts.has(bobChat), true);
    assert.equal(alice.drafts.has(carolChat), false, "blank text is no draft");
    alice.drafts.set(carolChat, "周五的会");
    assert.equal(alice.drafts.get(carolChat).text, "周五的会");
    assert.equal(alice.drafts.get(bobChat).text, "see you at", "one chat's draft leaves the other's alone");
    alice.drafts.clear(carolChat);
    assert.equal(alice.drafts.has(carolChat), false);
    assert.ok(changes >= 3, "the list is told");
    off();
  });

  test("drafts survive a reload, are the user's own, and go on sign-out", async () => {
    const storage = new MemoryStorage();
    const bobChat = chatWith("alice", "bob");
    const first = await h.login("alice", storage);
    first.drafts.set(bobChat, "half a thought");
    await first.close();

    // A reload: a new Chat on the same storage resumes the session and finds the draft.
    const again = h.chat(storage);
    assert.equal(await again.session.resume(), true);
    await until(again.conversations, () => again.conversations.get(bobChat) !== undefined, "the chat list");
    assert.equal(again.drafts.get(bobChat).text, "half a thought");
    assert.equal(again.drafts.has(bobChat), true);

    // Another user on the same browser sees none of it.
    await again.close();
    const bob = await h.login("bob", storage);
    assert.equal(bob.drafts.has(bobChat), false);
    await bob.session.logout();

    const last = await h.login("alice", storage);
    assert.equal(last.drafts.get(bobChat).text, "half a thought");
    await last.session.logout();
    assert.ok(
      [...storage.items.keys()].every((k) => !k.startsWith("starling.drafts.")),
      "signing out removes the user's drafts from storage",
    );
    const after = await h.login("alice", storage);
    assert.equal(after.drafts.has(bobChat), false);
  });
});

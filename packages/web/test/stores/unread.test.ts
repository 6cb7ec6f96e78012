import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/sdk";
import type { Chat } from "../../src/stores/chat.js";
import { badgeText, faviconUrl, pageTitle, unreadTotal } from "../../src/stores/unread.js";
import { StoresHarness, until } from "./harness.js";

describe("the unread total", () => {
  test("adds up the chats that are not muted", () => {
    const chats = [
      { id: "a", unreadCount: 2, muted: false },
      { id: "b", unreadCount: 5, muted: true },
      { id: "c", unreadCount: 1, muted: false },
    ];
    assert.equal(unreadTotal(chats), 3);
    assert.equal(unreadTotal(chats, "a"), 1, "the chat being read asks for nothing");
    assert.equal(unreadTotal([]), 0);
  });

  test("shows in the title and the favicon, capped at 99+", () => {
    assert.equal(pageTitle(0, "Starling"), "Starling");
    assert.equal(pageTitle(3, "Starling"), "(3) Starling");
    assert.equal(pageTitle(120, "Starling"), "(99+) Starling");
    assert.equal(badgeText(99), "99");
    const icon = (n: number) => decodeURIComponent(faviconUrl(n).replace("data:image/svg+xml,", ""));
    assert.ok(faviconUrl(0).startsWith("data:image/svg+xml,"));
    assert.ok(!icon(0).includes("#f53f3f"), "no badge when nothing is unread");
    assert.match(icon(7), /<rect[^>]*#f53f3f"\/><text[^>]*>7<\/text>/);
    assert.match(icon(250), />99\+<\/text>/);
  });
});

describe("the unread total against a real server", () => {
  let h: StoresHarness;
  let bob: Chat;
  const chatWith = (name: string) => directConversationId(h.id(name), h.id("bob"));

  before(async () => {
    h = await StoresHarness.start();
    await h.users("alice", "bob", "carol");
    bob = await h.login("bob");
  });
  after(() => h.close());

  test("grows as messages arrive, leaves muted chats out, and falls as chats are read", async () => {
    await h.send("alice", "bob", "a1");
    await h.send("alice", "bob", "a2");
    await h.send("carol", "bob", "c1");
    await until(bob.conversations, () => bob.conversations.unreadTotal() === 3, "three unread");
    await bob.conversations.setPrefs(chatWith("carol"), { muted: true });
    await until(bob.conversations, () => bob.conversations.unreadTotal() === 2, "carol's chat muted");
    await bob.receipts.markRead(chatWith("alice"));
    await until(bob.conversations, () => bob.conversations.unreadTotal() === 0, "alice's chat read");
    assert.equal(
      bob.conversations.get(chatWith("carol"))?.unreadCount,
      1,
      "the muted chat keeps its own count",
    );
  });
});

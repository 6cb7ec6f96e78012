import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { poll } from "../../server/test/helpers/poll.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/** Long enough to recall right after sending on a busy machine, short enough to wait out in a test. */
const WINDOW_MS = 8000;

/**
 * Recalls in the browser: the sender's and the recipient's open chats both
 * show the recall as it happens, with no reload; a recall the server refuses
 * is told in the interface's language, not in the server's English.
 */
if (browserMissing) console.log(`# recall tests SKIPPED: ${browserMissing}`);

describe("recalling a message in the web client", { skip: browserMissing }, () => {
  let h: WebHarness;
  let oldSentAt = 0;

  before(async () => {
    h = await WebHarness.start({ "limits.recallWindowMs": WINDOW_MS });
    await h.users("alice", "bob");
    await h.send("alice", "bob", "an old message", "old");
    oldSentAt = Date.now();
  });
  after(() => h.close());

  test("a recall shows at once in both open chats; a late one is refused in Chinese", async () => {
    const alice = await h.login("alice", { locale: "zh-CN" });
    const bob = await h.login("bob");
    await alice.getByTestId("conversation-bob").click();
    await bob.getByTestId("conversation-alice").click();

    await alice.getByLabel("输入消息").fill("发错群了 wrong chat");
    await alice.getByLabel("输入消息").press("Enter");
    const bobsCopy = bob.locator(".message", { hasText: "wrong chat" });
    await bobsCopy.waitFor();
    const mine = alice.locator(".message.mine", { hasText: "wrong chat" });
    const seq = await mine.getAttribute("data-seq");
    // Recall is in the message's menu.
    await mine.hover();
    await mine.getByTestId("message-menu-button").click();
    await alice.getByRole("menuitem", { name: "撤回" }).click();

    // Both views turn the message into its tombstone, without a reload.
    await alice.locator(`.message[data-seq="${seq}"]`, { hasText: "此消息已撤回。" }).waitFor();
    await bob.locator(`.message[data-seq="${seq}"]`, { hasText: "This message was recalled." }).waitFor();
    assert.equal(await bob.locator(".message", { hasText: "wrong chat" }).count(), 0);
    assert.equal(await alice.locator(".message", { hasText: "wrong chat" }).count(), 0);
    // The chat list's preview says so too.
    await alice.getByTestId("conversation-bob").filter({ hasText: "此消息已撤回。" }).waitFor();
    await h.shot(alice, "recall-both-views");

    // Past the window, the server refuses; the Chinese interface says why in Chinese.
    await poll(
      () => Date.now(),
      (now) => now > oldSentAt + WINDOW_MS + 100,
      "the recall window of the old message to pass",
    );
    const old = alice.locator(".message.mine", { hasText: "an old message" });
    await old.hover();
    await old.getByTestId("message-menu-button").click();
    await alice.getByRole("menuitem", { name: "撤回" }).click();
    const alert = old.getByRole("alert");
    await alert.waitFor();
    const said = (await alert.textContent()) ?? "";
    assert.match(said, /已超过可撤回的时间/);
    assert.doesNotMatch(said, /recall window|passed/i, "not the server's English");
    assert.equal(await bob.locator(".message", { hasText: "an old message" }).count(), 1, "still there");
    await h.shot(alice, "recall-refused-zh");
  });
});

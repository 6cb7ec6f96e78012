import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * Drafts in the browser: what is written in one chat stays there while
 * other chats are opened and after a reload, and the chat list marks the
 * chats with a draft ("Draft" / "草稿") until it is sent.
 */
if (browserMissing) console.log(`# draft tests SKIPPED: ${browserMissing}`);

describe("drafts in the web client", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob", "carol");
    await h.send("bob", "alice", "hi alice", "b1");
    await h.send("carol", "alice", "hi from carol", "c1");
  });
  after(() => h.close());

  test("a draft per chat, kept across chat switches and a reload, marked in the list", async () => {
    const alice = await h.login("alice");
    const box = alice.getByLabel("Write a message");
    const bobItem = alice.getByTestId("conversation-bob");
    const carolItem = alice.getByTestId("conversation-carol");

    await bobItem.click();
    await alice.locator(".message", { hasText: "hi alice" }).waitFor();
    await box.fill("half a thought for bob");
    await carolItem.click();
    await alice.locator(".message", { hasText: "hi from carol" }).waitFor();
    assert.equal(await box.inputValue(), "", "bob's draft stays in bob's chat");
    await bobItem.getByTestId("draft").waitFor();
    assert.match((await bobItem.textContent()) ?? "", /\[Draft\] half a thought for bob/);
    await box.fill("周五的会改到三点");

    await bobItem.click();
    await alice.locator(".message", { hasText: "hi alice" }).waitFor();
    assert.equal(await box.inputValue(), "half a thought for bob");
    assert.equal(await bobItem.getByTestId("draft").count(), 0, "no marker on the open chat");
    await carolItem.getByTestId("draft").waitFor();
    await h.shot(alice, "drafts-list");

    // A reload keeps both drafts, marked; the Chinese interface says 草稿.
    await alice.reload();
    await alice.getByTestId("me").waitFor();
    await bobItem.getByTestId("draft").waitFor();
    assert.match((await carolItem.textContent()) ?? "", /\[Draft\] 周五的会改到三点/);
    await alice.getByRole("button", { name: "Switch the language to Chinese" }).click();
    assert.match((await bobItem.textContent()) ?? "", /\[草稿\] half a thought for bob/);
    await h.shot(alice, "drafts-after-reload-zh");
    await carolItem.click();
    const zhBox = alice.getByLabel("输入消息");
    await zhBox.waitFor();
    assert.equal(await zhBox.inputValue(), "周五的会改到三点");

    // Sending ends the draft: its marker goes, and it is not back after another reload.
    await zhBox.press("Enter");
    await alice.locator(".message.mine", { hasText: "周五的会改到三点" }).waitFor();
    assert.equal(await zhBox.inputValue(), "");
    await bobItem.click();
    await carolItem.filter({ hasText: "周五的会改到三点" }).waitFor();
    assert.equal(await carolItem.getByTestId("draft").count(), 0);
    await alice.reload();
    await alice.getByTestId("me").waitFor();
    await bobItem.getByTestId("draft").waitFor();
    assert.equal(await carolItem.getByTestId("draft").count(), 0);
  });
});

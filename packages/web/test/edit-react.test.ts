import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { poll } from "../../server/test/helpers/poll.js";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/** Long enough to start an edit right after sending on a busy machine, short enough to wait out. */
const WINDOW_MS = 8000;

/**
 * Edits and reactions in the browser: an edit shows in place in both open
 * chats (and after a reload) marked edited; Escape leaves edit mode and the
 * draft comes back; reactions by two users add up, each one's own pressed;
 * an edit past the window is refused in the interface's language.
 */
if (browserMissing) console.log(`# edit and reaction tests SKIPPED: ${browserMissing}`);

/** Opens a message's menu and finds one of its entries. */
async function menuItem(page: Page, message: Locator, name: string): Promise<Locator> {
  await message.hover();
  await message.getByTestId("message-menu-button").click();
  const item = page.getByRole("menuitem", { name });
  await item.waitFor();
  return item;
}

describe("editing and reacting in the web client", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users(["alice", "Alice Liddell"], ["bob", "Bob Builder"]);
    await h.send("alice", "bob", "hello bob", "hello");
  });
  after(() => h.close());

  test("an edit shows live in both chats, marked edited; Escape cancels edit mode", async () => {
    const alice = await h.login("alice", { locale: "zh-CN" });
    const bob = await h.login("bob");
    await alice.getByTestId("conversation-bob").click();
    await bob.getByTestId("conversation-alice").click();

    const box = alice.getByLabel("输入消息");
    await box.fill("明天开会 meeting tomorow");
    await box.press("Enter");
    const bobsCopy = bob.locator(".message", { hasText: "meeting tomorow" });
    await bobsCopy.waitFor();
    const mine = alice.locator(".message.mine", { hasText: "meeting tomorow" });
    const seq = await mine.getAttribute("data-seq");

    // A draft waits while editing, and comes back after Escape; the chat stays open.
    await box.fill("a draft");
    await menuItem(alice, mine, "编辑").then((i) => i.click());
    await alice.getByTestId("editing-bar").filter({ hasText: "正在编辑消息 · 按 Esc 取消" }).waitFor();
    assert.equal(await box.inputValue(), "明天开会 meeting tomorow");
    await expectAccessible(alice, "edit mode (zh)");
    await box.press("Escape");
    await alice.getByTestId("editing-bar").waitFor({ state: "detached" });
    assert.equal(await box.inputValue(), "a draft");
    assert.equal(await alice.getByTestId("conversation-bob").count(), 1);
    await alice.locator(".message", { hasText: "hello bob" }).waitFor();

    // Enter saves: both views change the message in place, keeping its seq.
    await menuItem(alice, mine, "编辑").then((i) => i.click());
    await box.fill("明天开会 meeting tomorrow");
    await box.press("Enter");
    await alice.getByTestId("editing-bar").waitFor({ state: "detached" });
    const aliceEdited = alice.locator(`.message[data-seq="${seq}"]`, { hasText: "meeting tomorrow" });
    await aliceEdited.filter({ hasText: "（已编辑）" }).waitFor();
    const bobEdited = bob.locator(`.message[data-seq="${seq}"]`, { hasText: "meeting tomorrow" });
    await bobEdited.filter({ hasText: "(edited)" }).waitFor();
    assert.match((await bobEdited.locator(".edited").getAttribute("title")) ?? "", /^Edited /);
    assert.equal(await bob.locator(".message", { hasText: "tomorow" }).count(), 0);
    assert.equal(await box.inputValue(), "a draft", "the draft is back after saving");
    await h.shot(bob, "edit-live-en");

    // History says the same after a reload.
    await bob.reload();
    await bob.getByTestId("conversation-alice").click();
    await bob
      .locator(`.message[data-seq="${seq}"]`, { hasText: "meeting tomorrow" })
      .filter({ hasText: "(edited)" })
      .waitFor();

    // Only one's own messages offer "edit".
    const bobsMessage = bob.locator(".message", { hasText: "meeting tomorrow" });
    await menuItem(bob, bobsMessage, "Reply");
    assert.equal(await bob.getByRole("menuitem", { name: "Edit" }).count(), 0);
    await bob.keyboard.press("Escape");
    await alice.context().close();
    await bob.context().close();
  });

  test("reactions of two users add up, own highlighted; a click takes one back", async () => {
    const alice = await h.login("alice", { locale: "zh-CN" });
    const bob = await h.login("bob");
    await alice.getByTestId("conversation-bob").click();
    await bob.getByTestId("conversation-alice").click();
    const onAlice = alice.locator(".message", { hasText: "hello bob" });
    const onBob = bob.locator(".message", { hasText: "hello bob" });

    await onBob.getByRole("button", { name: "React" }).click();
    await onBob.getByRole("group", { name: "Choose a reaction" }).getByRole("button", { name: "👍" }).click();
    const bobThumb = onBob.locator('.reaction[data-emoji="👍"]');
    await bobThumb.filter({ hasText: "1" }).waitFor();
    assert.equal(await bobThumb.getAttribute("aria-pressed"), "true");
    const aliceThumb = onAlice.locator('.reaction[data-emoji="👍"]');
    await aliceThumb.filter({ hasText: "1" }).waitFor();
    assert.equal(await aliceThumb.getAttribute("aria-pressed"), "false");
    assert.equal(await aliceThumb.getAttribute("aria-label"), "👍 1：Bob Builder");

    // Alice joins by clicking the same reaction: two, both see both names.
    await aliceThumb.click();
    await aliceThumb.filter({ hasText: "2" }).waitFor();
    assert.equal(await aliceThumb.getAttribute("aria-pressed"), "true");
    await bobThumb.filter({ hasText: "2" }).waitFor();
    assert.equal(await bobThumb.getAttribute("aria-label"), "👍 2: You, Alice Liddell");
    assert.equal(await bobThumb.getAttribute("title"), "👍 2: You, Alice Liddell");

    // "More" opens the emoji picker.
    await onAlice.getByRole("button", { name: "回应" }).click();
    await onAlice.getByRole("button", { name: "更多表情" }).click();
    const picker = alice.getByRole("dialog").filter({ has: alice.getByRole("searchbox") });
    await picker.getByRole("searchbox").fill("grinning");
    await picker.getByRole("tabpanel").getByRole("button").first().click();
    await onBob.locator('.reaction[data-emoji="😀"]').filter({ hasText: "1" }).waitFor();
    await expectAccessible(bob, "a chat with reactions (en)");
    await expectAccessible(alice, "a chat with reactions (zh)");
    await h.shot(bob, "reactions-en");

    // Bob takes his thumb back.
    await bobThumb.click();
    await aliceThumb.filter({ hasText: "1" }).waitFor();
    await bobThumb.filter({ hasText: "1" }).waitFor();
    assert.equal(await bobThumb.getAttribute("aria-pressed"), "false");
    assert.equal(await aliceThumb.getAttribute("aria-label"), "👍 1：我");

    // Escape closes the choice back onto its button and leaves the chat open.
    const react = onBob.getByRole("button", { name: "React" });
    await react.click();
    const choice = onBob.getByRole("group", { name: "Choose a reaction" });
    await choice.getByRole("button", { name: "👍" }).focus();
    await bob.keyboard.press("Escape");
    await choice.waitFor({ state: "detached" });
    assert.equal(await react.evaluate((el) => el === document.activeElement), true);
    assert.equal(await onBob.count(), 1, "the chat is still open");
    await alice.context().close();
    await bob.context().close();
  });
});

describe("an edit past the window in the web client", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start({ "limits.editWindowMs": WINDOW_MS });
    await h.users("alice", "bob");
    await h.send("alice", "bob", "start", "start");
  });
  after(() => h.close());

  test("is refused in Chinese, and the edit action is gone", async () => {
    const alice = await h.login("alice", { locale: "zh-CN" });
    await alice.getByTestId("conversation-bob").click();
    const box = alice.getByLabel("输入消息");
    await box.fill("typo tpyo");
    await box.press("Enter");
    const mine = alice.locator(".message.mine", { hasText: "typo tpyo" });
    await mine.waitFor();
    const sentAt = Date.now();
    await menuItem(alice, mine, "编辑").then((i) => i.click());
    await box.fill("typo fixed");

    await poll(
      () => Date.now(),
      (now) => now > sentAt + WINDOW_MS + 100,
      "the edit window to pass",
    );
    await box.press("Enter");
    const alert = alice.locator(".composer").getByRole("alert");
    await alert.waitFor();
    const said = (await alert.textContent()) ?? "";
    assert.match(said, /已超过可编辑的时间/);
    assert.doesNotMatch(said, /window|passed/i, "not the server's English");
    await menuItem(alice, mine, "回复");
    assert.equal(await alice.getByRole("menuitem", { name: "编辑" }).count(), 0, "no edit after the window");
    await alice.keyboard.press("Escape");
    assert.equal(await alice.locator(".message", { hasText: "typo fixed" }).count(), 0);
    await h.shot(alice, "edit-refused-zh");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/protocol";
import { StarlingClient } from "@starling/sdk";
import type { Locator, Page } from "playwright-core";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The message menu in a real browser against a real server: opened by
 * hover and click, by the keyboard, and by a long press on a phone; reply
 * (the quoted original jumps), quote, copy, forwarding a file someone else
 * sent to two chats, and multi-select with a merged forward that opens as a
 * list, in English and Chinese. Screenshots go to test-output/web.
 */
if (browserMissing) console.log(`# message menu tests SKIPPED: ${browserMissing}`);

/** Opens a message's menu the desktop way: hover shows the ⋯ button, a click opens it. */
async function openMenu(page: Page, message: Locator): Promise<Locator> {
  await message.hover();
  await message.getByTestId("message-menu-button").click();
  const menu = page.getByRole("menu");
  await menu.waitFor();
  return menu;
}

describe("the message menu in the web client", { skip: browserMissing }, () => {
  let h: WebHarness;
  const history = (user: string, peer: string) =>
    h.server.core.history.page(
      `${user}@${h.domain}`,
      directConversationId(`${user}@${h.domain}`, `${peer}@${h.domain}`),
      {
        afterSeq: 0,
        beforeSeq: 0,
        limit: 50,
      } as Parameters<typeof h.server.core.history.page>[2],
    );

  before(async () => {
    h = await WebHarness.start();
    await h.users(["alice", "Alice Wang"], ["bob", "Bob Li"], ["carol", "Carol Chen"], ["dave", "Dave Zhou"]);
    await h.send("bob", "alice", "Lunch at **noon**?");
    await h.send("bob", "alice", "Second line\nwith two lines");
    await h.send("carol", "alice", "hi from carol");
    await h.send("dave", "alice", "hi from dave");
  });
  after(() => h.close());

  test("hover and keyboard open the menu; reply, quote and copy", async () => {
    const alice = await h.login("alice");
    await alice.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.base });
    await alice.getByTestId("conversation-bob").click();
    const lunch = alice.locator('.message[data-seq="1"]');
    await lunch.waitFor();

    // The ⋯ button is hidden until the pointer is over the message.
    const button = lunch.getByTestId("message-menu-button");
    assert.equal(await button.evaluate((b) => getComputedStyle(b).opacity), "0");
    const menu = await openMenu(alice, lunch);
    assert.equal(await button.getAttribute("aria-expanded"), "true");
    const items = await menu.getByRole("menuitem").allTextContents();
    assert.deepEqual(items.slice(0, 5), ["Reply", "Quote", "Copy", "Forward", "Select"]);
    // Pins, favourites and delete-for-me are offered only by an SDK that has them.
    const sdk = StarlingClient.prototype as unknown as Record<string, unknown>;
    if (typeof sdk.pinMessage !== "function") assert.equal(items.length, 5);
    else assert.deepEqual(items.slice(5), ["Pin in chat", "Add to favourites", "Delete for me"]);
    await h.shot(alice, "message-menu-open");
    await expectAccessible(alice, "message menu open");
    // Focus starts on the first entry, arrows move (wrapping), Esc closes and gives focus back.
    assert.equal(await alice.evaluate(() => document.activeElement?.textContent), "Reply");
    await alice.keyboard.press("ArrowDown");
    assert.equal(await alice.evaluate(() => document.activeElement?.textContent), "Quote");
    await alice.keyboard.press("ArrowUp");
    await alice.keyboard.press("ArrowUp");
    assert.equal(await alice.evaluate(() => document.activeElement?.getAttribute("role")), "menuitem");
    assert.notEqual(await alice.evaluate(() => document.activeElement?.textContent), "Reply");
    await alice.keyboard.press("Escape");
    await menu.waitFor({ state: "detached" });
    assert.equal(
      await alice.evaluate(() => document.activeElement?.getAttribute("data-testid")),
      "message-menu-button",
    );

    // From the keyboard alone: the focused message opens its menu with Shift+F10.
    await lunch.focus();
    await alice.keyboard.press("Shift+F10");
    await alice.getByRole("menuitem", { name: "Reply" }).waitFor();
    await alice.keyboard.press("Enter");
    await alice.locator(".replying", { hasText: "Bob Li" }).waitFor();
    const box = alice.getByLabel("Write a message");
    assert.equal(
      await alice.evaluate(() => document.activeElement?.getAttribute("aria-label")),
      "Write a message",
    );
    await box.fill("Yes, see you there");
    await box.press("Enter");
    const answer = alice.locator(".message.mine", { hasText: "see you there" });
    const quoted = answer.getByTestId("quoted");
    await quoted.waitFor();
    assert.match((await quoted.textContent()) ?? "", /Bob Li: Lunch at noon\?/);
    await quoted.click();
    await alice.locator('.message.focused[data-seq="1"]').waitFor();
    assert.equal(await alice.evaluate(() => document.activeElement?.classList.contains("message")), true);

    // Quote: the message as markdown, under the sender's name, into the composer.
    const second = alice.locator('.message[data-seq="2"]');
    await (await openMenu(alice, second)).getByRole("menuitem", { name: "Quote" }).click();
    assert.equal(await box.inputValue(), "> **Bob Li**: Second line\n> with two lines\n\n");
    await box.pressSequentially("agreed");
    await box.press("Enter");
    const sentQuote = alice.locator(".message.mine", { hasText: "agreed" });
    await sentQuote.locator("blockquote", { hasText: "Second line" }).waitFor();

    // Copy: the markdown source.
    await (await openMenu(alice, lunch)).getByRole("menuitem", { name: "Copy" }).click();
    await alice.getByRole("status").filter({ hasText: "Copied" }).waitFor();
    assert.equal(await alice.evaluate(() => navigator.clipboard.readText()), "Lunch at **noon**?");
    await alice.context().close();
  });

  test("a file Bob sent is forwarded by Alice to two chats", async () => {
    const bob = await h.login("bob");
    await bob.getByTestId("conversation-alice").click();
    await bob.getByTestId("file-input").setInputFiles({
      name: "plan.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("the plan\n"),
    });
    await bob.locator(".message.mine", { hasText: "plan.txt" }).waitFor();
    await bob.context().close();

    const alice = await h.login("alice");
    await alice.getByTestId("conversation-bob").click();
    const file = alice.locator(".message", { hasText: "plan.txt" });
    await (await openMenu(alice, file)).getByRole("menuitem", { name: "Forward" }).click();
    const picker = alice.getByRole("dialog", { name: "Forward to" });
    await picker.waitFor();
    // The search narrows the chat list.
    await picker.getByLabel("Search chats").fill("car");
    assert.equal(await picker.getByRole("checkbox").count(), 1);
    await picker.getByTestId("forward-to-carol").check();
    await picker.getByLabel("Search chats").fill("");
    await picker.getByTestId("forward-to-dave").check();
    await picker.getByText("2 chosen").waitFor();
    await h.shot(alice, "forward-picker");
    await expectAccessible(alice, "forward picker");
    await picker.getByRole("button", { name: "Send" }).click();
    await picker.waitFor({ state: "detached" });
    await alice.getByRole("status").filter({ hasText: "Forwarded." }).waitFor();

    // The server let Alice attach the file Bob uploaded, since she can read it.
    for (const peer of ["carol", "dave"]) {
      const page = await history(peer, "alice");
      const last = page.messages[page.messages.length - 1];
      assert.equal(last?.senderId, `alice@${h.domain}`);
      assert.equal(last?.content?.attachments[0]?.name, "plan.txt");
    }
    const carol = await h.login("carol");
    await carol.getByTestId("conversation-alice").click();
    await carol.locator(".message", { hasText: "plan.txt" }).waitFor();
    await carol.context().close();
    await alice.context().close();
  });

  test("multi-select and a merged forward, in Chinese; the card opens the list", async () => {
    const alice = await h.login("alice", { locale: "zh-CN" });
    await alice.getByTestId("conversation-bob").click();
    const lunch = alice.locator('.message[data-seq="1"]');
    await (await openMenu(alice, lunch)).getByRole("menuitem", { name: "多选" }).click();
    const bar = alice.getByRole("region", { name: "多选" });
    await bar.getByText("已选择 1 条").waitFor();
    // The composer gives way to the bar; the menu buttons to tick boxes.
    assert.equal(await alice.getByLabel("输入消息").count(), 0);
    assert.equal(await alice.getByTestId("message-menu-button").count(), 0);
    await alice.locator('.message[data-seq="2"]').getByRole("checkbox").check();
    await bar.getByText("已选择 2 条").waitFor();
    await h.shot(alice, "multi-select-zh");
    await expectAccessible(alice, "multi-select, zh-CN");
    await bar.getByRole("button", { name: "合并转发" }).click();
    const picker = alice.getByRole("dialog", { name: "合并转发给" });
    await picker.getByTestId("forward-to-carol").check();
    await picker.getByRole("button", { name: "发送" }).click();
    await picker.waitFor({ state: "detached" });
    // Selecting ends with the action.
    await alice.getByLabel("输入消息").waitFor();

    // One message: the items as JSON, and a plain-text fallback for XMPP and the CLI.
    const page = await history("carol", "alice");
    const merged = page.messages[page.messages.length - 1];
    assert.equal(merged?.content?.custom?.type, "starling.forward");
    const body = JSON.parse(merged?.content?.custom?.json ?? "{}");
    assert.equal(body.title, "Bob Li的聊天记录");
    assert.deepEqual(
      body.items.map((i: { sender: string; text: string }) => [i.sender, i.text]),
      [
        ["Bob Li", "Lunch at **noon**?"],
        ["Bob Li", "Second line\nwith two lines"],
      ],
    );
    assert.equal(
      merged?.content?.text,
      "[Bob Li的聊天记录]\nBob Li: Lunch at **noon**?\nBob Li: Second line\nwith two lines",
    );
    await alice.context().close();

    const carol = await h.login("carol");
    await carol.getByTestId("conversation-alice").click();
    const card = carol.getByTestId("forward-card");
    await card.waitFor();
    assert.match((await card.textContent()) ?? "", /2 messages/);
    await card.getByRole("button").click();
    const viewer = carol.getByRole("dialog", { name: "Bob Li的聊天记录" });
    await viewer.waitFor();
    await viewer
      .locator(".forward-item", { hasText: "Lunch at" })
      .locator("strong", { hasText: "noon" })
      .waitFor();
    assert.equal(await viewer.locator(".forward-item").count(), 2);
    await h.shot(carol, "merged-forward-viewer");
    await expectAccessible(carol, "merged forward viewer");
    await carol.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });
    await carol.context().close();
  });

  test("on a phone a long press opens the menu", async () => {
    const alice = await h.login("alice", { width: 390, height: 844 });
    await alice.getByTestId("conversation-bob").click();
    const lunch = alice.locator('.message[data-seq="1"]');
    await lunch.waitFor();
    const box = await lunch.locator(".bubble").boundingBox();
    assert.ok(box);
    const at = {
      clientX: box.x + 5,
      clientY: box.y + 5,
      pointerType: "touch",
      isPrimary: true,
      bubbles: true,
    };
    await lunch.locator(".bubble").dispatchEvent("pointerdown", at);
    const menu = alice.getByRole("menu");
    await menu.waitFor();
    await lunch.locator(".bubble").dispatchEvent("pointerup", at);
    await h.shot(alice, "message-menu-phone");
    await expectAccessible(alice, "message menu, phone");
    await menu.getByRole("menuitem", { name: "Reply" }).click();
    await alice.locator(".replying", { hasText: "Bob Li" }).waitFor();
    await alice.context().close();
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The web client by keyboard alone: opening a chat (Enter in the list, a
 * click, a search hit) puts the focus in the composer; the chat list and the
 * message list are one Tab stop each, moved within by the arrow keys, so the
 * composer is at most two Tabs from the list; Escape goes back where the
 * focus came from; skip links lead past the sidebar.
 */
if (browserMissing) console.log(`# keyboard tests SKIPPED: ${browserMissing}`);

/** A short description of the focused element, to compare and to show in failures. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "body";
    return (
      el.id || el.dataset.testid || el.getAttribute("aria-label") || el.textContent?.trim() || el.tagName
    );
  });

const composerFocused = (page: Page) =>
  page.waitForFunction(() => document.activeElement?.id === "composer-input");

/** How many Tabs from the focused element until the composer has the focus (up to `max` + 1). */
/** Puts the start of the Tab order at the top of the page, as on a fresh load. */
const fromTop = (page: Page) =>
  page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
  });

async function tabsToComposer(page: Page, max = 10): Promise<number> {
  for (let n = 1; n <= max + 1; n++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)) === "composer-input") return n;
  }
  return max + 1;
}

describe("the web client by keyboard", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob", "carol");
    const d = h.domain;
    await h.server.core.groups.create({ userId: `alice@${d}` }, "Launch", [`bob@${d}`, `carol@${d}`]);
    for (let i = 1; i <= 6; i++) await h.send("bob", "alice", `update ${i}: see https://example.com/${i}`);
    await h.send("alice", "bob", "noted, thanks");
    await h.send("carol", "alice", "lunch at noon? keyword-papaya");
    const ctx = { actor: "system", source: "test", scope: "*" };
    await h.server.admin.saveDepartment(ctx, undefined, { id: "ops", parentId: "", name: "Operations" });
    const people = JSON.stringify([{ id: "dana", name: "Dana Xu", department: "Operations" }]);
    await h.server.admin.importUsers(ctx, undefined, people, "json", { dryRun: false });
  });
  after(() => h.close());

  test("the chat list is one Tab stop; Enter opens a chat into its composer, two Tabs at most away", async () => {
    const page = await h.login("alice", { width: 1440, height: 900 });
    await page.getByTestId("conversation-carol").waitFor();
    await page.getByTestId("conversation-bob").waitFor();
    // One item of the list is in the Tab order; the arrows move the focus (and that stop) within it.
    assert.equal(await page.locator(".conversation[tabindex='0']").count(), 1);
    await page.locator(".conversation[tabindex='0']").focus();
    const first = await focused(page);
    await page.keyboard.press("ArrowDown");
    const second = await focused(page);
    assert.notEqual(second, first, "ArrowDown moves within the list");
    await page.keyboard.press("Home");
    assert.equal(await focused(page), first);
    await page.keyboard.press("End");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowDown");
    const last = await focused(page);
    assert.equal(await page.locator(".conversation[tabindex='0']").getAttribute("data-testid"), last);

    await page.getByTestId("conversation-bob").focus();
    await page.keyboard.press("Enter");
    await composerFocused(page);
    await page.getByRole("heading", { name: "bob" }).waitFor();
    await page.keyboard.type("typed straight away");
    assert.equal(await page.getByLabel("Write a message").inputValue(), "typed straight away");

    // Escape goes back to the chat it was opened from; from there the composer is at most two Tabs on.
    await page.keyboard.press("Escape");
    await page.waitForFunction(
      () => document.activeElement?.getAttribute("data-testid") === "conversation-bob",
    );
    const tabs = await tabsToComposer(page);
    assert.ok(tabs <= 2, `the composer is ${tabs} Tabs from the chat list`);
    await h.shot(page, "keyboard-composer");
  });

  test("a click on a chat and a search hit open into the composer too", async () => {
    const page = await h.login("alice", { width: 1440, height: 900 });
    await page.getByTestId("conversation-Launch").click();
    await composerFocused(page);
    await page.getByRole("heading", { name: "Launch" }).waitFor();

    await page.getByRole("tab", { name: "Search" }).click();
    const box = page.getByRole("searchbox", { name: "Search people, groups and messages" });
    await box.fill("papaya");
    await box.press("Enter");
    const hit = page.getByRole("region", { name: "Messages" }).getByRole("button", { name: /papaya/ });
    await hit.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "carol" }).waitFor();
    await composerFocused(page);
    // Escape returns to the hit it was opened from.
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => {
      const el = document.activeElement;
      return el?.closest(".search-panel") !== null && el?.textContent?.includes("papaya") === true;
    });
  });

  test("the message list is one Tab stop; the arrows move between messages, whose controls then take Tabs", async () => {
    const page = await h.login("alice", { width: 1440, height: 900 });
    await page.getByTestId("conversation-bob").click();
    await composerFocused(page);
    await page.locator(".message", { hasText: "update 6" }).waitFor();
    // None of the links and buttons in the messages is in the Tab order while the list is not in use.
    const tabbable = await page
      .locator(".messages [data-seq] a, .messages [data-seq] button")
      .evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0).length);
    assert.equal(tabbable, 0);
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focused(page), "message-list");
    await page.keyboard.press("ArrowUp");
    assert.match(await focused(page), /noted, thanks/, "the newest message first");
    await page.keyboard.press("ArrowUp");
    assert.match(await focused(page), /update 6/);
    // Tab reaches that message's link, then its react button, then its menu button, then leaves for the composer.
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "https://example.com/6");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "React");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "message-menu-button");
    // The menu's arrows stay in the menu; Escape closes it back onto its button, not out of the chat.
    await page.keyboard.press("Enter");
    assert.equal(await focused(page), "Reply");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "menuitem");
    await page.keyboard.press("Escape");
    assert.equal(await focused(page), "message-menu-button");
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "composer-input");
  });

  test("Escape closes the emoji grid back onto its button, and leaves the chat open", async () => {
    const page = await h.login("alice", { width: 1440, height: 900 });
    await page.getByTestId("conversation-bob").click();
    await composerFocused(page);
    await page.getByRole("button", { name: "Emoji", exact: true }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "grinning face", exact: true }).focus();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Emoji" }).waitFor({ state: "detached" });
    assert.equal(await focused(page), "Emoji");
    assert.equal(await page.getByRole("heading", { name: "bob" }).count(), 1, "the chat is still open");
  });

  test("a colleague's card opens with the focus in it; Escape goes back onto the colleague", async () => {
    const page = await h.login("alice", { width: 1440, height: 900 });
    await page.getByRole("tab", { name: "Contacts" }).click();
    await page.getByRole("button", { name: "Operations", exact: true }).click();
    const dana = page.getByRole("button", { name: /Dana Xu/ });
    await dana.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Dana Xu" }).waitFor();
    await page.waitForFunction(() => document.activeElement?.classList.contains("contacts-back") === true);
    await page.keyboard.press("Escape");
    await page.getByRole("heading", { name: "Dana Xu" }).waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.textContent?.includes("Dana Xu") === true);
  });

  test("on a phone, Escape leaves the chat for the list, on the chat it came from", async () => {
    const page = await h.login("alice", { width: 390, height: 844 });
    await page.getByTestId("conversation-Launch").focus();
    await page.keyboard.press("Enter");
    await composerFocused(page);
    assert.equal(
      await page.getByTestId("conversation-Launch").isVisible(),
      false,
      "the chat covers the list",
    );
    await page.keyboard.press("Escape");
    await page.waitForFunction(
      () => document.activeElement?.getAttribute("data-testid") === "conversation-Launch",
    );
    assert.equal(await page.getByLabel("Write a message").count(), 0);
  });

  test("skip links: the first Tab offers the chat list, or with a chat open the message box", async () => {
    const page = await h.login("alice", { width: 1440, height: 900 });
    await page.getByTestId("conversation-bob").waitFor();
    await fromTop(page);
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "Skip to the chat list");
    assert.ok(
      await page.getByRole("link", { name: "Skip to the chat list" }).isVisible(),
      "shown when focused",
    );
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.className), "conversation");

    await page.keyboard.press("Enter");
    await composerFocused(page);
    await fromTop(page);
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "Skip to the message box");
    await page.keyboard.press("Enter");
    await composerFocused(page);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The unread total in the browser: on the chats tab, in the page title and
 * on the favicon, growing as messages arrive in other chats, falling as
 * they are read, leaving muted chats out.
 */
if (browserMissing) console.log(`# unread total tests SKIPPED: ${browserMissing}`);

/** The favicon's SVG, decoded from its data URL. */
const favicon = (page: Page) =>
  page.evaluate(() =>
    decodeURIComponent(document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? ""),
  );

describe("the unread total in the web client", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob", "carol");
    await h.send("carol", "bob", "hi bob", "c1");
  });
  after(() => h.close());

  test("messages from alice while bob reads another chat: (2) in the title and on the tab; opening the chat clears it", async () => {
    const bob = await h.login("bob");
    const tab = bob.getByRole("tab", { name: /Chats/ });
    const total = bob.getByTestId("unread-total");
    const shown = () => total.locator('[aria-hidden="true"]').textContent();
    await bob.waitForFunction(() => document.title === "(1) Starling");
    assert.equal(await shown(), "1");

    await bob.getByTestId("conversation-carol").click();
    await bob.locator(".message", { hasText: "hi bob" }).waitFor();
    await bob.waitForFunction(() => document.title === "Starling");
    assert.equal(await total.count(), 0, "no count on the tab when all is read");
    assert.ok(!(await favicon(bob)).includes("#f53f3f"), "no badge on the favicon");

    await h.send("alice", "bob", "are you there?", "a1");
    await h.send("alice", "bob", "the report is due", "a2");
    await bob.waitForFunction(() => document.title === "(2) Starling");
    assert.equal(await shown(), "2");
    assert.match((await tab.textContent()) ?? "", /Chats2 2 unread/);
    assert.match(await favicon(bob), /<rect[^>]*#f53f3f"\/><text[^>]*>2<\/text>/);
    // A message in the open chat is read as it arrives and adds nothing.
    await h.send("carol", "bob", "still here", "c2");
    await bob.locator(".message", { hasText: "still here" }).waitFor();
    assert.equal(await bob.title(), "(2) Starling");
    await h.shot(bob, "unread-total");

    await bob.getByTestId("conversation-alice").click();
    await bob.locator(".message", { hasText: "the report is due" }).waitFor();
    await bob.waitForFunction(() => document.title === "Starling");
    assert.equal(await total.count(), 0);
    assert.ok(!(await favicon(bob)).includes("#f53f3f"));
    // Closed, so this window, with alice's chat open, reads none of the next test's messages.
    await bob.context().close();
  });

  test("a muted chat keeps its grey count in the list but adds nothing to the total (zh-CN)", async () => {
    const bob = await h.login("bob", { locale: "zh-CN" });
    await bob.getByTestId("conversation-alice").click();
    await bob.getByRole("button", { name: "免打扰", exact: true }).click();
    await bob.getByTestId("conversation-alice").getByTestId("muted").waitFor();
    await bob.getByTestId("conversation-carol").click();
    await bob.locator(".message", { hasText: "still here" }).waitFor();

    await h.send("alice", "bob", "muted news", "a3");
    await bob.getByTestId("conversation-alice").locator(".badge.muted", { hasText: "1" }).waitFor();
    assert.equal(await bob.title(), "Starling");
    assert.equal(await bob.getByTestId("unread-total").count(), 0);

    await h.send("carol", "bob", "unmuted news", "c3");
    // Read where it arrives (carol's chat is open), and marked read on the server, before bob
    // leaves it: only c4 is then unread.
    await bob.locator(".message", { hasText: "unmuted news" }).waitFor();
    await bob.getByTestId("conversation-carol").locator(".badge").waitFor({ state: "detached" });
    await bob.getByTestId("conversation-alice").click();
    await h.send("carol", "bob", "one more", "c4");
    await bob.waitForFunction(() => document.title === "(1) Starling");
    assert.match((await bob.getByRole("tab", { name: /消息/ }).textContent()) ?? "", /消息1 1 未读/);
  });
});

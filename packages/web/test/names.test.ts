import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * People are shown by their display names, not their ids, in a real browser
 * against a real server: one's own header, a person found by search, a
 * message's sender in the chat and in search results.
 */
if (browserMissing) console.log(`# names browser tests SKIPPED: ${browserMissing}`);

describe("display names in a browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users(["mahao", "马浩"], ["david", "David Wang"]);
    await h.send("mahao", "david", "项目进度更新");
  });
  after(() => h.close());

  test("the own header shows the display name, in both languages", async () => {
    const david = await h.login("david");
    await david.getByTestId("me").filter({ hasText: "David Wang" }).waitFor();
    assert.equal(await david.getByTestId("me").textContent(), "David Wang");
    const mahao = await h.login("mahao", { locale: "zh-CN" });
    await mahao.getByTestId("me").filter({ hasText: "马浩" }).waitFor();
    assert.equal(await mahao.getByTestId("me").textContent(), "马浩");
  });

  test("a message's sender is named in the chat and in search results", async () => {
    const david = await h.login("david");
    await david.getByTestId("conversation-mahao").click();
    const message = david.locator(".message", { hasText: "项目进度更新" });
    await message.locator(".sender", { hasText: "马浩" }).waitFor();
    await david.locator(".chat-header h2", { hasText: "马浩" }).waitFor();

    await david.getByRole("tab", { name: "Search" }).click();
    await david.getByRole("searchbox", { name: "Search people, groups and messages" }).fill("项目进度");
    const hit = david.getByRole("region", { name: "Messages" }).getByRole("button", { name: /项目进度/ });
    await hit.locator(".search-hit-title", { hasText: "马浩" }).waitFor();
    assert.doesNotMatch((await hit.textContent()) ?? "", /mahao/);
    await h.shot(david, "names-search-message");
  });

  test("a person found by search is shown by name", async () => {
    const david = await h.login("david", { locale: "zh-CN" });
    await david.getByRole("tab", { name: "搜索" }).click();
    await david.getByRole("searchbox").fill("mahao");
    const person = david.locator(".search-section .search-hit").filter({ hasText: "马浩" });
    await person.waitFor();
    assert.equal(await person.locator(".search-hit-title").textContent(), "马浩");
    await h.shot(david, "names-search-person");
  });
});

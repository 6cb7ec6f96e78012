import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { highlightParts, matchRanges } from "../src/ui/search/highlight-parts.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The search panel: highlights drawn from the server's ranges, and in a real
 * browser against a real server, searching messages (a hit opens its chat
 * scrolled to it, far back in the history), paging, people by pinyin and
 * groups, and the Chinese interface. Screenshots go to test-output/web.
 */

const marked = (text: string, ranges: { offset: number; length: number }[]) =>
  highlightParts(text, ranges)
    .map((p) => (p.marked ? `[${p.text}]` : p.text))
    .join("");

describe("splitting a snippet into highlighted parts", () => {
  test("marks each range and keeps the text in between", () => {
    const text = "我们的即时通讯系统很好用";
    assert.deepEqual(highlightParts(text, [{ offset: 3, length: 4 }]), [
      { text: "我们的", offset: 0, marked: false },
      { text: "即时通讯", offset: 3, marked: true },
      { text: "系统很好用", offset: 7, marked: false },
    ]);
    assert.equal(
      marked("deploy the deployment", [
        { offset: 0, length: 6 },
        { offset: 11, length: 6 },
      ]),
      "[deploy] the [deploy]ment",
    );
  });

  test("a text without ranges is one plain part; an empty text has none", () => {
    assert.deepEqual(highlightParts("plain", []), [{ text: "plain", offset: 0, marked: false }]);
    assert.deepEqual(highlightParts("", [{ offset: 0, length: 3 }]), []);
  });

  test("ranges in any order, overlapping or touching, are joined", () => {
    assert.equal(
      marked("abcdefgh", [
        { offset: 4, length: 2 },
        { offset: 1, length: 2 },
      ]),
      "a[bc]d[ef]gh",
    );
    assert.equal(
      marked("abcdefgh", [
        { offset: 1, length: 3 },
        { offset: 2, length: 4 },
      ]),
      "a[bcdef]gh",
    );
    assert.equal(
      marked("abcdefgh", [
        { offset: 1, length: 2 },
        { offset: 3, length: 2 },
      ]),
      "a[bcde]fgh",
    );
    assert.equal(marked("abcdefgh", [{ offset: 0, length: 8 }]), "[abcdefgh]");
  });

  test("ranges outside the text are clipped, empty and nonsense ones dropped", () => {
    assert.equal(marked("abc", [{ offset: 2, length: 10 }]), "ab[c]");
    assert.equal(marked("abc", [{ offset: 5, length: 2 }]), "abc");
    assert.equal(marked("abc", [{ offset: 1, length: 0 }]), "abc");
    assert.equal(marked("abc", [{ offset: -2, length: 3 }]), "[a]bc");
    assert.equal(marked("abc", [{ offset: Number.NaN, length: 1 }]), "abc");
    assert.equal(marked("abc", [{ offset: 1, length: Number.NaN }]), "abc");
  });

  test("offsets are UTF-16 units, and a range never splits a surrogate pair", () => {
    // "😀" is two UTF-16 code units.
    assert.equal(marked("😀 好用", [{ offset: 3, length: 2 }]), "😀 [好用]");
    assert.equal(marked("a😀b", [{ offset: 1, length: 2 }]), "a[😀]b");
    assert.equal(marked("a😀b", [{ offset: 2, length: 2 }]), "a[😀b]");
    assert.equal(marked("a😀b", [{ offset: 1, length: 1 }]), "a[😀]b");
  });

  test("the parts always join back into the text, whatever the ranges", () => {
    const text = "…今天 deploy 了新的即时通讯系统😀，大家 Deploy 吧";
    for (let i = 0; i < 200; i++) {
      const ranges = Array.from({ length: i % 5 }, (_, k) => ({
        offset: (i * 7 + k * 13) % (text.length + 3),
        length: (i + k * 5) % 9,
      }));
      const parts = highlightParts(text, ranges);
      assert.equal(parts.map((p) => p.text).join(""), text);
      for (const [k, p] of parts.entries()) {
        assert.ok(p.text.length > 0);
        if (k > 0) assert.notEqual(p.marked && parts[k - 1]?.marked, true, "no two marked parts in a row");
      }
    }
  });

  test("matchRanges finds the query's words in a name, ignoring case", () => {
    assert.deepEqual(matchRanges("Alice Chen", "chen"), [{ offset: 6, length: 4 }]);
    assert.deepEqual(matchRanges("重庆分部", "重庆"), [{ offset: 0, length: 2 }]);
    assert.deepEqual(matchRanges("Anna Ann", "ann"), [
      { offset: 0, length: 3 },
      { offset: 5, length: 3 },
    ]);
    assert.deepEqual(matchRanges("重庆", "cq"), []);
    assert.deepEqual(matchRanges("Bob", "  "), []);
  });
});

if (browserMissing) console.log(`# search panel browser tests SKIPPED: ${browserMissing}`);

describe("the search panel in a browser", { skip: browserMissing }, () => {
  const TARGET = "我们的即时通讯系统很好用";
  const FILLERS = 120;
  let h: WebHarness;
  let targetSeq = 0;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob", ["cq", "重庆"]);
    targetSeq = (await h.send("alice", "bob", TARGET)).seq;
    for (let i = 1; i <= FILLERS; i++)
      await h.send(i % 2 ? "alice" : "bob", i % 2 ? "bob" : "alice", `filler ${i}`);
    for (let i = 1; i <= 5; i++) await h.send("alice", "bob", `later news ${i}`);
    await h.server.core.groups.create({ userId: `alice@${h.domain}` }, "重庆分部", [`bob@${h.domain}`]);
  });
  after(() => h.close());

  async function openSearch(page: Page, tab = "Search", box = "Search people, groups and messages") {
    await page.getByRole("tab", { name: tab }).click();
    const input = page.getByRole("searchbox", { name: box });
    await input.waitFor();
    return input;
  }

  test("a message far back in a chat is found, highlighted, and opened in context", async () => {
    const bob = await h.login("bob");
    const box = await openSearch(bob);
    await bob.getByText("Find colleagues by name or pinyin").waitFor();
    await box.fill("即时通讯");

    const messages = bob.getByRole("region", { name: "Messages" });
    const hit = messages.getByRole("button", { name: /即时通讯/ });
    await hit.waitFor();
    assert.equal(await messages.getByRole("listitem").count(), 1);
    assert.deepEqual(await hit.locator("mark").allTextContents(), ["即时通讯"]);
    assert.equal((await hit.locator(".search-snippet").textContent())?.replace(/…/g, ""), TARGET);
    assert.match((await hit.textContent()) ?? "", /alice/);
    await h.shot(bob, "search-message");

    await hit.click();
    const focused = bob.locator(`li.message.focused[data-seq="${targetSeq}"]`);
    await focused.waitFor();
    assert.match((await focused.textContent()) ?? "", /即时通讯系统很好用/);
    assert.equal(await bob.locator("li.message.focused").count(), 1);
    assert.equal(
      await bob.locator(`li.message[data-seq="${targetSeq + FILLERS + 5}"]`).count(),
      0,
      "opened at the hit, not the end",
    );
    const visible = await focused.evaluate((el) => {
      const item = el.getBoundingClientRect();
      const list = (el.closest("ol") as HTMLElement).getBoundingClientRect();
      return item.top >= list.top && item.bottom <= list.bottom;
    });
    assert.ok(visible, "the found message is scrolled into view");
    await h.shot(bob, "search-jump");
  });

  test("typing searches once it pauses, only the latest query shows, more messages page, Escape clears", async () => {
    const bob = await h.login("bob");
    const box = await openSearch(bob);
    const messages = bob.getByRole("region", { name: "Messages" });
    const hits = messages.getByRole("listitem");

    await box.fill("filler");
    await box.fill("即时通讯");
    await messages.getByRole("button", { name: /即时通讯/ }).waitFor();
    await bob.waitForTimeout(600);
    assert.equal(await hits.count(), 1, "no results of the earlier query");

    await box.fill("filler");
    await box.press("Enter");
    await messages.getByRole("button", { name: "filler", exact: false }).first().waitFor();
    await bob.waitForFunction(() => document.querySelectorAll(".message-hit").length === 20);
    assert.deepEqual(await hits.first().locator("mark").allTextContents(), ["filler"]);
    await bob.getByRole("button", { name: "More messages" }).click();
    await bob.waitForFunction(() => document.querySelectorAll(".message-hit").length === 40);
    const seqs = await messages
      .locator(".message-hit")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-seq")));
    assert.equal(new Set(seqs).size, 40, "no message twice");
    await h.shot(bob, "search-paging");

    await box.press("Escape");
    assert.equal(await box.inputValue(), "");
    await bob.getByText("Find colleagues by name or pinyin").waitFor();
    assert.equal(await bob.locator(".message-hit").count(), 0);
  });

  test("people are found by pinyin initials, groups too, and open chats", async () => {
    const bob = await h.login("bob");
    const box = await openSearch(bob);
    await box.fill("cq");
    const person = bob.getByRole("region", { name: "People" }).getByRole("button", { name: /重庆/ });
    const group = bob.getByRole("region", { name: "Groups" }).getByRole("button", { name: /重庆分部/ });
    await person.waitFor();
    await group.waitFor();
    await h.shot(bob, "search-pinyin");

    await person.click();
    await bob.locator(".chat-header h2", { hasText: /^重庆$/ }).waitFor();
    await group.click();
    await bob.locator(".chat-header h2", { hasText: "重庆分部" }).waitFor();

    await box.fill("重庆");
    await bob.getByRole("region", { name: "Groups" }).locator("mark", { hasText: "重庆" }).waitFor();
  });

  test("the Chinese interface, the message kind filter, and a search that finds nothing", async () => {
    const bob = await h.login("bob", { locale: "zh-CN" });
    const box = await openSearch(bob, "搜索", "搜索联系人、群聊和聊天记录");
    await box.fill("不存在的内容");
    await box.press("Enter");
    await bob.getByText("没有找到与“不存在的内容”相关的结果。").waitFor();
    await box.fill("即时通讯");
    await bob.getByRole("region", { name: "聊天记录" }).locator("mark", { hasText: "即时通讯" }).waitFor();
    await h.shot(bob, "search-zh");
    await bob.getByRole("combobox", { name: "消息类型" }).selectOption({ label: "图片" });
    await bob.getByText("没有找到与“即时通讯”相关的结果。").waitFor();
    await bob.getByRole("combobox", { name: "消息类型" }).selectOption({ label: "文字" });
    await bob.getByRole("region", { name: "聊天记录" }).locator("mark", { hasText: "即时通讯" }).waitFor();
  });
});

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { indexEmoji, type RawEmoji, searchEmoji } from "../src/ui/emoji/emoji-index.js";
import { RECENT_MAX, recentEmoji, rememberEmoji } from "../src/ui/emoji/recent-emoji.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The emoji picker: the index over Emojibase's English and Chinese data and
 * its search, the recent list, and in a real browser the categories, search
 * in both languages, keyboard use, inserting, and recently used first.
 */

const require = createRequire(import.meta.url);
const ALL = indexEmoji(
  require("emojibase-data/en/compact.json") as RawEmoji[],
  require("emojibase-data/zh/compact.json") as RawEmoji[],
  require("emojibase-data/en/shortcodes/github.json") as Record<string, string | string[]>,
);

describe("the emoji index", () => {
  test("holds the full set in English and Chinese, without the skin-tone components", () => {
    assert.ok(ALL.length > 1800, `${ALL.length} emoji`);
    const grin = ALL.find((e) => e.emoji === "😄");
    assert.equal(grin?.en, "grinning face with smiling eyes");
    assert.equal(grin?.zh, "大笑");
    assert.deepEqual(grin?.shortcodes, ["smile"]);
    assert.ok(!ALL.some((e) => e.group === 2));
  });

  test("a shortcode that is the query comes first, with or without colons", () => {
    assert.equal(searchEmoji(ALL, "smile")[0]?.emoji, "😄");
    assert.equal(searchEmoji(ALL, ":smile:")[0]?.emoji, "😄");
    assert.ok(searchEmoji(ALL, "+1")[0]?.emoji.startsWith("👍"));
    assert.ok(searchEmoji(ALL, "smil").length > 5);
  });

  test("Chinese names and keywords are found by any part", () => {
    const laughs = searchEmoji(ALL, "笑");
    assert.ok(laughs.length > 10);
    assert.ok(laughs.every((e) => e.zh.includes("笑") || e.keywords.some((k) => k.includes("笑"))));
    assert.ok(searchEmoji(ALL, "猫").some((e) => e.emoji === "🐱"));
    assert.deepEqual(searchEmoji(ALL, "   "), []);
    assert.deepEqual(searchEmoji(ALL, "zzzqqq"), []);
  });

  test("the recent list keeps the latest first, once each, and survives bad storage", () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
    } as Storage;
    assert.deepEqual(recentEmoji(storage), []);
    rememberEmoji("😄", storage);
    rememberEmoji("👍", storage);
    assert.deepEqual(rememberEmoji("😄", storage), ["😄", "👍"]);
    for (let i = 0; i < 40; i++) rememberEmoji(String.fromCodePoint(0x1f600 + i), storage);
    assert.equal(recentEmoji(storage).length, RECENT_MAX);
    data.set("starling.emoji.recent", "{not json");
    assert.deepEqual(recentEmoji(storage), []);
  });
});

if (browserMissing) console.log(`# emoji picker browser tests SKIPPED: ${browserMissing}`);

describe("the emoji picker in a browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob");
    await h.send("bob", "alice", "hello");
  });
  after(() => h.close());

  async function openPicker(page: Page, emojiLabel: string) {
    await page.getByTestId("conversation-bob").click();
    await page.getByRole("button", { name: emojiLabel, exact: true }).click();
    const panel = page.getByRole("dialog", { name: emojiLabel });
    await panel.waitFor();
    return panel;
  }

  test("categories, search by shortcode, keyboard, insert, and recently used first", async () => {
    const alice = await h.login("alice");
    const scripts: string[] = [];
    alice.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await alice.getByTestId("conversation-bob").click();
    assert.ok(!scripts.some((s) => s.includes("emoji-data")), "the emoji data is not loaded with the app");
    const panel = await openPicker(alice, "Emoji");
    const search = panel.getByRole("searchbox", { name: "Search emoji" });
    assert.equal(await search.evaluate((el) => el === document.activeElement), true, "the search has focus");
    const smileys = panel.getByRole("tab", { name: "Smileys and emotion" });
    assert.equal(await smileys.getAttribute("aria-selected"), "true");
    await panel.getByRole("button", { name: "grinning face", exact: true }).waitFor();
    assert.equal(
      scripts.filter((s) => s.includes("emoji-data")).length,
      1,
      "loaded as its own chunk on opening",
    );
    assert.equal(await panel.getByRole("tab", { name: "Recently used" }).count(), 0);

    await panel.getByRole("tab", { name: "Animals and nature" }).click();
    await panel.getByRole("button", { name: "dog face", exact: true }).waitFor();
    assert.equal(await panel.getByRole("button", { name: "grinning face", exact: true }).count(), 0);
    await h.shot(alice, "emoji-animals");

    await search.fill("smile");
    const first = panel.getByRole("tabpanel").getByRole("button").first();
    await alice.waitForFunction(() => document.querySelector(".emoji-grid button")?.textContent === "😄");
    assert.equal(await first.getAttribute("aria-label"), "grinning face with smiling eyes");
    // Down from the search reaches the first emoji; right moves on; Enter inserts.
    await search.press("ArrowDown");
    assert.equal(await alice.evaluate(() => document.activeElement?.textContent), "😄");
    await alice.keyboard.press("ArrowRight");
    const second = (await alice.evaluate(() => document.activeElement?.textContent)) ?? "";
    assert.notEqual(second, "😄");
    await alice.keyboard.press("Enter");
    await panel.waitFor({ state: "detached" });
    const box = alice.getByLabel("Write a message");
    assert.equal(await box.inputValue(), second);

    // The emoji used comes first, under Recently used, the next time.
    await alice.getByRole("button", { name: "Emoji", exact: true }).click();
    await panel.waitFor();
    assert.equal(
      await panel.getByRole("tab", { name: "Recently used" }).getAttribute("aria-selected"),
      "true",
    );
    await alice.waitForFunction(
      (e) => document.querySelector(".emoji-grid button")?.textContent === e,
      second,
    );
    await panel.getByRole("searchbox").fill(":smile:");
    await alice.waitForFunction(() => document.querySelector(".emoji-grid button")?.textContent === "😄");
    await panel.getByRole("searchbox").press("Enter");
    assert.equal(await box.inputValue(), `${second}😄`);

    // Escape closes the panel and focus goes back to its button.
    await alice.getByRole("button", { name: "Emoji", exact: true }).click();
    await panel.waitFor();
    await alice.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    assert.equal(await alice.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Emoji");
    await alice.context().close();
  });

  test("in Chinese: names and categories in Chinese, and 笑 finds the laughing faces", async () => {
    const alice = await h.login("alice", { locale: "zh-CN" });
    const panel = await openPicker(alice, "表情");
    await panel.getByRole("tab", { name: "笑脸和情感" }).waitFor();
    await panel.getByRole("searchbox", { name: "搜索表情" }).fill("笑");
    await alice.waitForFunction(() => document.querySelectorAll(".emoji-grid button").length > 10);
    const names = await panel
      .getByRole("tabpanel")
      .getByRole("button")
      .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    assert.ok(names.includes("大笑"), names.slice(0, 10).join(","));
    await h.shot(alice, "emoji-zh");
    await panel.getByRole("button", { name: "大笑", exact: true }).click();
    assert.equal(await alice.getByLabel("输入消息").inputValue(), "😄");
    await panel.waitFor({ state: "detached" });
    await alice.getByRole("button", { name: "表情", exact: true }).click();
    await panel.getByRole("searchbox").fill("不存在的表情");
    await panel.getByText("没有与“不存在的表情”匹配的表情。").waitFor();
    await alice.context().close();
  });
});

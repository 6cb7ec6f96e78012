import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * @mention suggestions in the browser: people found by 汉字, full pinyin,
 * initials and another reading of their name, inserted by display name with
 * the mention kept by id through later edits; a floating, keyboard-driven
 * listbox; @所有人 / @all only for a group's owner and admins.
 */
if (browserMissing) console.log(`# web mention tests SKIPPED: ${browserMissing}`);

const WAIT = { timeout: 20_000 };

describe("mention suggestions in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;
  let group = "";

  before(async () => {
    h = await WebHarness.start();
    await h.users(["liuwei", "刘伟"], ["stf", "单田芳"], ["mia", "Mia Chen"], ["adam", "Adam Lee"]);
    const d = h.domain;
    const conv = await h.server.core.groups.create({ userId: `liuwei@${d}` }, "项目组", [
      `stf@${d}`,
      `mia@${d}`,
      `adam@${d}`,
    ]);
    group = conv.id;
    await h.server.core.groups.setRole({ userId: `liuwei@${d}` }, group, `adam@${d}`, "admin");
    await h.send("mia", "liuwei", "hi");
  });
  after(() => h.close());

  const options = async (page: Page) => {
    const list = page.getByRole("listbox");
    if ((await list.count()) === 0) return [];
    return (await list.getByRole("option").allTextContents()).map((s) => s.split(" ")[0]);
  };
  /** Types `query` into an empty box and waits for the list to hold `expected` first. */
  const suggest = async (page: Page, box: ReturnType<Page["getByLabel"]>, query: string, first: string) => {
    await box.fill("");
    await box.pressSequentially(query);
    await page.getByRole("option", { name: first }).first().waitFor(WAIT);
  };

  test("zh: found by 汉字, pinyin, initials and another reading; inserted by name, kept by id", async () => {
    const page = await h.login("liuwei", { locale: "zh-CN" });
    await page.getByTestId("conversation-项目组").click();
    const box = page.getByLabel("输入消息");
    await box.waitFor();
    const height = (await box.boundingBox())?.height;

    await suggest(page, box, "@单", "@单田芳");
    // The list floats above the box: opening it takes none of the box's room.
    assert.equal((await box.boundingBox())?.height, height);
    const listBox = await page.getByRole("listbox").boundingBox();
    const boxBox = await box.boundingBox();
    assert.ok(listBox && boxBox && listBox.y + listBox.height <= boxBox.y + 1, "above the text box");
    await h.shot(page, "mention-suggestions-zh");

    for (const q of ["@shan", "@stf", "@dan", "@dtf"]) {
      await suggest(page, box, q, "@单田芳");
      assert.deepEqual(await options(page), ["@单田芳"], q);
    }
    // The owner may call everyone.
    await suggest(page, box, "@所", "@所有人");
    await suggest(page, box, "@", "@所有人");
    const all = await options(page);
    assert.equal(all[0], "@所有人", "everyone first");
    assert.deepEqual(all.slice(1).sort(), ["@Adam", "@Mia", "@单田芳"], "the others, not oneself");

    // Keyboard: down moves the choice (aria-activedescendant follows), Escape closes.
    const active = () => box.getAttribute("aria-activedescendant");
    const selected = async () =>
      ((await page.locator("[role=option][aria-selected=true]").textContent()) ?? "").split(" ")[0];
    assert.equal(await selected(), all[0]);
    await box.press("ArrowDown");
    assert.equal(await selected(), all[1]);
    assert.equal(await active(), await page.locator("[role=option][aria-selected=true]").getAttribute("id"));
    await box.press("ArrowUp");
    await box.press("ArrowUp");
    assert.equal(await selected(), all[3], "wraps around");
    await box.press("Escape");
    await page.getByRole("listbox").waitFor({ state: "detached" });

    await suggest(page, box, "@dan", "@单田芳");
    await box.press("Tab");
    await box.pressSequentially("你好");
    assert.equal(await box.inputValue(), "@单田芳 你好");
    // Text written before the mention moves it; it is still the same person underneath.
    await box.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 0));
    await box.pressSequentially("看 ");
    assert.equal(await box.inputValue(), "看 @单田芳 你好");
    await box.press("End");
    await box.press("Enter");
    const sent = page.locator(".message[data-seq]", { hasText: "你好" });
    await sent.waitFor(WAIT);
    assert.equal(await sent.locator(".mention").textContent(), "@单田芳");
    const stored = await h.server.core.history.page(`liuwei@${h.domain}`, group, {
      afterSeq: 0,
      beforeSeq: 0,
      limit: 50,
    });
    const m = stored.messages.find((x) => x.content?.text === "看 @单田芳 你好");
    assert.deepEqual(
      m?.content?.mentions.map((x) => [x.userId, x.offset, x.length]),
      [[`stf@${h.domain}`, 2, 4]],
    );
    await page.context().close();
  });

  test("en: @all is offered to an admin, not to a member; a 1:1 offers the peer", async () => {
    const adam = await h.login("adam");
    await adam.getByTestId("conversation-项目组").click();
    const adamBox = adam.getByLabel("Write a message");
    await suggest(adam, adamBox, "@al", "@all");
    await adam.context().close();

    const mia = await h.login("mia");
    await mia.getByTestId("conversation-项目组").click();
    const box = mia.getByLabel("Write a message");
    await suggest(mia, box, "@a", "@Adam");
    assert.deepEqual(await options(mia), ["@Adam"], "no @all for a member");
    await suggest(mia, box, "@liu", "@刘伟");
    await suggest(mia, box, "@lw", "@刘伟");

    await mia.getByTestId("conversation-liuwei").click();
    const direct = mia.getByLabel("Write a message");
    await suggest(mia, direct, "@刘", "@刘伟");
    assert.deepEqual(await options(mia), ["@刘伟"], "the peer");
    await direct.press("Enter");
    assert.equal(await direct.inputValue(), "@刘伟 ");
    await mia.context().close();
  });
});

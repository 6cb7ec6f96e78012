import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, password, WebHarness } from "./helpers/browser.js";

/**
 * Running a group in the browser: its events as system lines in both
 * languages, the group info panel (rename, admins, announcement, picture,
 * leave, disband), the announcement banner, and joining by an invite link.
 */
if (browserMissing) console.log(`# web group-admin tests SKIPPED: ${browserMissing}`);

describe("group administration in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;
  let gid = "";
  const id = (n: string) => `${n}@${h.domain}`;
  const closePage = (page: Page) => page.context().close();

  before(async () => {
    h = await WebHarness.start();
    await h.users(["zhang", "张伟"], ["li", "李娜"], ["wang", "王芳"], ["zhao", "赵磊"], ["chen", "陈晨"]);
    const g = await h.server.core.groups.create({ userId: id("zhang") }, "Launch", [id("li")]);
    gid = g.id;
    await h.server.core.groups.addMembers({ userId: id("zhang") }, gid, [id("wang"), id("zhao")]);
  });
  after(() => h.close());

  test("group events are centred lines with names, in Chinese", async () => {
    const li = await h.login("li", { locale: "zh-CN" });
    await li.getByTestId("conversation-Launch").click();
    await li.locator(".system-line", { hasText: "张伟 邀请 王芳、赵磊 加入了群聊" }).waitFor();
    await li.locator(".system-line", { hasText: "张伟 创建了群聊“Launch”" }).waitFor();
    await h.server.core.groups.setRole({ userId: id("zhang") }, gid, id("li"), "admin");
    await li.locator(".system-line", { hasText: "张伟 将 你 设为管理员" }).waitFor();
    await h.shot(li, "group-events-zh");
    await closePage(li);
  });

  test("the same events in English", async () => {
    const wang = await h.login("wang");
    await wang.getByTestId("conversation-Launch").click();
    await wang.locator(".system-line", { hasText: "张伟 added You and 赵磊" }).waitFor();
    await wang.locator(".system-line", { hasText: "张伟 made 李娜 an admin" }).waitFor();
    await closePage(wang);
  });

  test("the owner renames, changes roles, sets the announcement and the picture from the panel", async () => {
    const zhang = await h.login("zhang");
    const li = await h.login("li");
    await zhang.getByTestId("conversation-Launch").click();
    await zhang.getByRole("button", { name: "Group info" }).click();
    const panel = zhang.getByRole("dialog", { name: "Group info: Launch" });
    await panel.waitFor();

    await panel.getByRole("button", { name: "Rename" }).click();
    await panel.getByLabel("Group name").fill("Launch Team");
    await panel.getByRole("button", { name: "Save" }).click();
    await zhang.locator(".chat-header h2", { hasText: "Launch Team" }).waitFor();
    await zhang.locator(".system-line", { hasText: "You renamed the group to “Launch Team”" }).waitFor();

    await panel.getByRole("button", { name: "Make admin: 王芳" }).click();
    await zhang.locator(".system-line", { hasText: "You made 王芳 an admin" }).waitFor();
    await panel.getByRole("button", { name: "Remove admin: 王芳" }).click();
    await zhang.locator(".system-line", { hasText: "You removed 王芳 as admin" }).waitFor();

    await panel.getByRole("button", { name: "Edit the announcement" }).click();
    await panel.getByLabel("Edit the announcement").fill("Release on Friday at 18:00");
    await panel.getByRole("button", { name: "Publish" }).click();
    await panel.getByTestId("panel-announcement").filter({ hasText: "Release on Friday" }).waitFor();

    const picture = await sharp({
      create: { width: 200, height: 200, channels: 3, background: { r: 20, g: 160, b: 90 } },
    })
      .png()
      .toBuffer();
    await panel
      .getByTestId("group-avatar-input")
      .setInputFiles({ name: "group.png", mimeType: "image/png", buffer: picture });
    await zhang.locator(".system-line", { hasText: "You changed the group picture" }).waitFor();
    await h.shot(zhang, "group-panel");
    await expectAccessible(zhang, "the group info panel", { include: ".group-panel" });

    // Escape closes the dialog and gives focus back to the button that opened it.
    await zhang.keyboard.press("Escape");
    await panel.waitFor({ state: "hidden" });
    assert.equal(
      await zhang.evaluate(() => document.activeElement?.textContent),
      "Group info",
      "focus returns to the header",
    );

    // The member sees the picture in the list and the announcement on entering the chat.
    await li.getByTestId("conversation-Launch Team").locator(".avatar img").waitFor();
    await li.getByTestId("conversation-Launch Team").click();
    const banner = li.getByTestId("announcement-banner");
    await banner.filter({ hasText: "Release on Friday at 18:00" }).waitFor();
    await expectAccessible(li, "a group chat with its announcement banner");
    await li.locator(".system-line", { hasText: "张伟 updated the announcement" }).waitFor();
    await banner.getByRole("button", { name: "Dismiss the announcement" }).click();
    await banner.waitFor({ state: "hidden" });
    await li.reload();
    await li.getByTestId("conversation-Launch Team").click();
    await li.locator(".system-line", { hasText: "张伟 updated the announcement" }).waitFor();
    assert.equal(await banner.count(), 0, "dismissed until the next change");
    // Dismissed on every device of hers, as DingTalk and Feishu do: her phone does not show it either.
    const phone = await h.login("li", { width: 390, height: 844 });
    await phone.getByTestId("conversation-Launch Team").click();
    await phone.locator(".system-line", { hasText: "张伟 updated the announcement" }).waitFor();
    assert.equal(await phone.getByTestId("announcement-banner").count(), 0, "dismissed on the phone too");
    await h.server.core.groups.setAnnouncement({ userId: id("zhang") }, gid, "Moved to Monday");
    await banner.filter({ hasText: "Moved to Monday" }).waitFor();
    await phone.getByTestId("announcement-banner").filter({ hasText: "Moved to Monday" }).waitFor();
    await closePage(phone);
    await closePage(li);
    await closePage(zhang);
  });

  test("an invite link: a colleague opens it, signs in and joins; a bad link is refused", async () => {
    const zhang = await h.login("zhang");
    await zhang.getByTestId("conversation-Launch Team").click();
    await zhang.getByRole("button", { name: "Group info" }).click();
    const panel = zhang.getByRole("dialog");
    await panel.getByRole("button", { name: "Create an invite link" }).click();
    const link = await panel.getByTestId("invite-link").inputValue();
    assert.match(link, /#\/join\/[A-Za-z0-9_-]{32}$/);
    await panel.getByRole("button", { name: "QR code of the invite link" }).click();
    await panel.getByTestId("invite-qr").waitFor();
    await expectAccessible(zhang, "the invite link and its QR code", { include: ".group-panel" });

    const chen = await h.newPage();
    await chen.goto(link);
    await chen.getByLabel("User").fill("chen");
    await chen.getByLabel("Password").fill(password("chen"));
    await chen.getByRole("button", { name: "Sign in" }).click();
    await chen.getByTestId("join-group-name").filter({ hasText: "Launch Team" }).waitFor();
    await chen.getByText("4 members").waitFor();
    await expectAccessible(chen, "the page an invite link opens");
    await chen.getByRole("button", { name: "Join the group" }).click();
    await chen.locator(".chat-header h2", { hasText: "Launch Team" }).waitFor();
    await zhang.locator(".system-line", { hasText: "陈晨 joined with an invite link from You" }).waitFor();

    await chen.goto(`${h.base}#/join/not-a-real-token`);
    await chen.getByRole("alert").filter({ hasText: "This invite link does not work" }).waitFor();
    await closePage(chen);

    await panel.getByRole("button", { name: "Revoke all links" }).click();
    await panel.getByText("Every invite link of this group is revoked.").waitFor();
    await closePage(zhang);
  });

  test("a member leaves; the owner disbands after confirming", async () => {
    const zhang = await h.login("zhang");
    const zhao = await h.login("zhao");
    await zhao.getByTestId("conversation-Launch Team").click();
    await zhao.getByRole("button", { name: "Group info" }).click();
    const zPanel = zhao.getByRole("dialog");
    assert.equal(await zPanel.getByRole("button", { name: "Rename" }).count(), 0, "members may not rename");
    assert.equal(await zPanel.getByRole("button", { name: "Disband the group" }).count(), 0);
    await zPanel.getByRole("button", { name: "Leave the group" }).click();
    await zPanel.getByRole("alertdialog").getByRole("button", { name: "Confirm" }).click();
    await zPanel.waitFor({ state: "hidden" });

    await zhang.getByTestId("conversation-Launch Team").click();
    await zhang.locator(".system-line", { hasText: "赵磊 left the group" }).waitFor();
    await zhang.getByRole("button", { name: "Group info" }).click();
    const panel = zhang.getByRole("dialog");
    await panel.getByRole("button", { name: "Disband the group" }).click();
    await panel.getByRole("alertdialog").getByText("Disband this group for everyone?").waitFor();
    await panel.getByRole("alertdialog").getByRole("button", { name: "Confirm" }).click();
    await zhang.locator(".system-line", { hasText: "You disbanded the group" }).waitFor();
    await closePage(zhao);
    await closePage(zhang);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * An imported user's first login in a real browser: the initial password
 * signs in, the "choose a new password" step shows the rules before anything
 * is submitted, a weak password is refused with the rule it breaks, and a
 * good one leads into the client with the directory working. In Chinese and
 * in English. Screenshots go to test-output/web.
 */
if (browserMissing) console.log(`# first-login tests SKIPPED: ${browserMissing}`);

const ctx = { actor: "system", source: "test", scope: "*" };

describe("the first login of an imported user", { skip: browserMissing }, () => {
  let h: WebHarness;
  const initial = new Map<string, string>();

  before(async () => {
    h = await WebHarness.start();
    const people = [
      { id: "zhangwei", name: "张伟", department: "研发部" },
      { id: "lina", name: "李娜", department: "研发部" },
      { id: "david", name: "David Wu", department: "研发部" },
    ];
    const report = await h.server.admin.importUsers(ctx, undefined, JSON.stringify(people), "json", {
      dryRun: false,
    });
    assert.deepEqual(report.errors, []);
    for (const p of report.initialPasswords)
      initial.set(p.userId.slice(0, p.userId.indexOf("@")), p.password);
    assert.equal(initial.size, people.length);
  });
  after(() => h.close());

  async function signIn(name: string, pw: string, locale: string): Promise<Page> {
    const page = await h.newPage(locale);
    await page.goto(h.base);
    const zh = locale.startsWith("zh");
    await page.getByLabel(zh ? "账号" : "User").fill(name);
    await page.getByLabel(zh ? "密码" : "Password", { exact: true }).fill(pw);
    await page.getByRole("button", { name: zh ? "登录" : "Sign in" }).click();
    return page;
  }

  test("in Chinese: the rules are shown, weak passwords are refused, a good one opens the client", async () => {
    const pw = initial.get("zhangwei") as string;
    const page = await signIn("zhangwei", pw, "zh-CN");
    await page.getByRole("heading", { name: "设置新密码" }).waitFor();
    // The rules are there before anything is submitted, and nothing of the client is.
    const rules = (await page.getByTestId("password-rules").textContent()) ?? "";
    for (const want of ["至少 8 个字符", "不能与账号相同", "不能与初始密码相同"])
      assert.ok(rules.includes(want), `the rules say ${want}: ${rules}`);
    assert.equal(await page.getByTestId("me").count(), 0);
    await h.shot(page, "first-login-zh");

    const fresh = page.getByLabel("新密码", { exact: true });
    const again = page.getByLabel("再次输入新密码");
    const save = page.getByRole("button", { name: "设置密码并继续" });
    const alert = page.getByRole("alert");

    await fresh.fill("short");
    await again.fill("short");
    await save.click();
    await alert.filter({ hasText: "密码太短：至少需要 8 个字符。" }).waitFor();
    await h.shot(page, "first-login-zh-too-short");

    await fresh.fill("zhangwei");
    await again.fill("zhangwei");
    await save.click();
    await alert.filter({ hasText: "密码不能与账号相同。" }).waitFor();

    await fresh.fill(pw);
    await again.fill(pw);
    await save.click();
    await alert.filter({ hasText: "新密码不能与初始密码相同。" }).waitFor();

    await fresh.fill("zhang-wei-2026!");
    await again.fill("zhang-wei-2026?");
    await save.click();
    await alert.filter({ hasText: "两次输入的密码不一致。" }).waitFor();

    await again.fill("zhang-wei-2026!");
    await save.click();
    await page.getByTestId("me").waitFor();
    await page.getByRole("heading", { name: "设置新密码" }).waitFor({ state: "detached" });

    // The directory answers now: a colleague of the same department is in the contacts.
    await page.getByRole("tab", { name: "通讯录" }).click();
    await page.getByLabel("查找同事").fill("lina");
    await page.getByRole("button", { name: /李娜/ }).waitFor();
    await h.shot(page, "first-login-zh-contacts");

    // The session is kept for a reload, and the new password is the one that works now.
    await page.reload();
    await page.getByTestId("me").waitFor();
    const later = await signIn("zhangwei", "zhang-wei-2026!", "zh-CN");
    await later.getByTestId("me").waitFor();
    assert.equal(await later.getByRole("heading", { name: "设置新密码" }).count(), 0);
    const old = await signIn("zhangwei", pw, "zh-CN");
    await old.getByRole("alert").filter({ hasText: "账号或密码不正确。" }).waitFor();
  });

  test("in English: the step, a rule's error, then the chat list with a message from a colleague", async () => {
    const page = await signIn("david", initial.get("david") as string, "en-US");
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    const rules = (await page.getByTestId("password-rules").textContent()) ?? "";
    assert.ok(rules.includes("have at least 8 characters"), rules);
    await h.shot(page, "first-login-en");

    const fresh = page.getByLabel("New password", { exact: true });
    const again = page.getByLabel("New password again");
    await fresh.fill("abc");
    await again.fill("abc");
    await page.getByRole("button", { name: "Set the password and continue" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "The password is too short: it needs at least 8 characters." })
      .waitFor();

    await fresh.fill("a much better password");
    await again.fill("a much better password");
    await page.getByRole("button", { name: "Set the password and continue" }).click();
    await page.getByTestId("me").waitFor();
    await page.getByRole("tab", { name: "Contacts" }).click();
    await page.getByLabel("Find people").fill("zhangwei");
    await page.getByRole("button", { name: /张伟/ }).waitFor();

    await h.send("zhangwei", "david", "欢迎加入");
    await page.getByRole("tab", { name: "Chats" }).click();
    await page.getByTestId("conversation-zhangwei").waitFor();
  });

  test("signing out from the step returns to the login form", async () => {
    const page = await signIn("lina", initial.get("lina") as string, "en-US");
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
  });
});

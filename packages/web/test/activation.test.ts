import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * An invited person opens their invite link in a real browser: the server sends the browser to
 * the web client with the link's fragment, which asks for their password with the rules shown
 * first, activates the account and lands signed in, the code gone from the address bar. A code
 * used already is refused in words. In English and in Chinese. Screenshots go to test-output/web.
 */
if (browserMissing) console.log(`# activation tests SKIPPED: ${browserMissing}`);

describe("activation from an invite link in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  /** The link `starling invite --user` prints, for a new account `name`. */
  const inviteOf = async (name: string): Promise<string> => {
    const userId = `${name}@${h.domain}`;
    await h.server.core.accounts.createUser({
      id: userId,
      password: "temporary-pw",
      mustChangePassword: true,
    });
    const { code } = await h.server.core.activation.issue(userId, "test");
    const fragment = new URLSearchParams({ sha256: "00".repeat(32), user: userId, code });
    return `${new URL(`/.well-known/starling?domain=${h.domain}`, h.base)}#${fragment}`;
  };

  before(async () => {
    h = await WebHarness.start();
  });
  after(() => h.close());

  test("in English: the rules first, a weak password refused, then signed in", async () => {
    const link = await inviteOf("fiona");
    const page = await h.newPage("en-US");
    await page.goto(link);
    await page.getByRole("heading", { name: "Welcome: choose your password" }).waitFor();
    assert.match((await page.locator("main").textContent()) ?? "", /invited as fiona@/);
    const rules = (await page.getByTestId("password-rules").textContent()) ?? "";
    assert.ok(rules.includes("have at least 8 characters"), rules);
    assert.ok(!rules.includes("initial password"), rules);
    await h.shot(page, "activation-en");

    const fresh = page.getByLabel("New password", { exact: true });
    const again = page.getByLabel("New password again");
    const save = page.getByRole("button", { name: "Set the password and continue" });
    await fresh.fill("abc");
    await again.fill("abc");
    await save.click();
    await page.getByRole("alert").filter({ hasText: "at least 8 characters" }).waitFor();

    await fresh.fill("fiona's own password");
    await again.fill("fiona's own password");
    await save.click();
    await page.getByTestId("me").waitFor();
    assert.ok(!page.url().includes("code="), page.url());
    // Signed in for good: a reload resumes the session.
    await page.reload();
    await page.getByTestId("me").waitFor();
  });

  test("in Chinese: a used invite says so, and leads back to signing in", async () => {
    const link = await inviteOf("wangfang");
    const first = await h.newPage("zh-CN");
    await first.goto(link);
    await first.getByLabel("新密码", { exact: true }).fill("wang-fang-2026");
    await first.getByLabel("再次输入新密码").fill("wang-fang-2026");
    await first.getByRole("button", { name: "设置密码并继续" }).click();
    await first.getByTestId("me").waitFor();

    const second = await h.newPage("zh-CN");
    await second.goto(link);
    await second.getByRole("heading", { name: "欢迎：设置你的密码" }).waitFor();
    await second.getByLabel("新密码", { exact: true }).fill("another-one-2026");
    await second.getByLabel("再次输入新密码").fill("another-one-2026");
    await second.getByRole("button", { name: "设置密码并继续" }).click();
    await second.getByRole("alert").filter({ hasText: "此邀请已被使用" }).waitFor();
    await h.shot(second, "activation-zh-used");
    await second.getByRole("button", { name: "返回登录" }).click();
    await second.getByRole("button", { name: "登录" }).waitFor();
  });
});

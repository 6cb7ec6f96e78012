import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { create, SendMessageSchema } from "@starling/protocol";
import { loadConfig, type RunningServer, startServer } from "@starling/server";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

/**
 * The web client in a real browser (Debian's chromium driven by
 * playwright-core) against a real server on port 0 serving the built
 * client: two people chat in real time, unread counts move, a reload keeps
 * the session, the language switches. Screenshots go to test-output/web.
 */
const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.STARLING_CHROMIUM ?? "/usr/bin/chromium";
const WEB_ROOT = join(here, "..", "dist");
const SHOTS = join(here, "..", "..", "..", "test-output", "web");
const missing = !existsSync(CHROMIUM)
  ? `chromium not found at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(WEB_ROOT, "index.html"))
    ? "the web client is not built (npm run build:web)"
    : undefined;
if (missing) console.log(`# web client tests SKIPPED: ${missing}`);

const password = (name: string) => `pw-${name}-secret`;

describe("the web client in a browser", { skip: missing }, () => {
  let server: RunningServer;
  let dataDir: string;
  let browser: Browser;
  let base = "";
  const contexts: BrowserContext[] = [];

  const open = async (name: string): Promise<Page> => {
    const context = await browser.newContext({ locale: "en-US", viewport: { width: 1100, height: 720 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel("User").fill(name);
    await page.getByLabel("Password").fill(password(name));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("me").waitFor();
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "starling-web-"));
    const config = loadConfig({
      env: {},
      flags: {
        dataDir,
        "tcp.host": "127.0.0.1",
        "tcp.port": 0,
        "http.host": "127.0.0.1",
        "http.port": 0,
        "http.webRoot": WEB_ROOT,
        "log.level": "silent",
        durability: "normal",
      },
    });
    server = await startServer(config);
    base = `http://127.0.0.1:${server.httpPort}/`;
    for (const n of ["alice", "bob"]) await server.core.accounts.createUser({ id: n, password: password(n) });
    await server.core.send(
      `alice@${config.domain}`,
      create(SendMessageSchema, {
        toUserId: `bob@${config.domain}`,
        clientMsgId: "first",
        content: { text: "Hi Bob, welcome aboard" },
      }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the page is served with a strict content policy, and a wrong password is told", async () => {
    const r = await fetch(base);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const context = await browser.newContext({ locale: "en-US" });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel("User").fill("alice");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    assert.match((await page.getByRole("alert").textContent()) ?? "", /do not match/);
    await shot(page, "login-error");
  });

  test("two people chat in real time; unread counts and a reload keep up", async () => {
    const alice = await open("alice");
    const bob = await open("bob");
    // Bob sees the chat with an unread badge, opens it, reads Alice's message.
    const chat = bob.getByTestId("conversation-alice");
    await chat.waitFor();
    assert.match((await chat.textContent()) ?? "", /Hi Bob, welcome aboard/);
    assert.equal(await chat.locator(".badge [aria-hidden]").textContent(), "1");
    await shot(bob, "conversation-list");
    await chat.click();
    await bob.locator(".message .bubble", { hasText: "Hi Bob, welcome aboard" }).waitFor();
    await bob.locator(".badge").waitFor({ state: "detached" });

    // Alice opens the chat; Bob answers; Alice sees it without reloading.
    await alice.getByTestId("conversation-bob").click();
    await bob.getByLabel("Write a message").fill("Thanks! 很高兴加入");
    await bob.getByLabel("Write a message").press("Enter");
    await alice.locator(".message .bubble", { hasText: "很高兴加入" }).waitFor();
    await alice.getByLabel("Write a message").fill("See you at ten");
    await alice.getByRole("button", { name: "Send" }).click();
    await bob.locator(".message .bubble", { hasText: "See you at ten" }).waitFor();
    await shot(bob, "chat");

    // A reload keeps Bob logged in, with the chat and its messages.
    await bob.reload();
    await bob.getByTestId("me").waitFor();
    await bob.getByTestId("conversation-alice").click();
    await bob.locator(".message .bubble", { hasText: "See you at ten" }).waitFor();
    assert.equal(await bob.getByLabel("User").count(), 0, "no login form after a reload");
  });

  test("the interface switches to Chinese and fits a phone", async () => {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 390, height: 780 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel("账号").fill("alice");
    await page.getByLabel("密码").fill(password("alice"));
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("me").waitFor();
    await page.getByTestId("conversation-bob").click();
    await page.getByLabel("输入消息").waitFor();
    await shot(page, "phone-chat-zh");
    await page.getByRole("button", { name: "←" }).click();
    await page.getByRole("button", { name: "切换为英文界面" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  });
});

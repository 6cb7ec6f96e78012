import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The web client in a real browser (Debian's chromium driven by
 * playwright-core) against a real server on port 0 serving the built
 * client: two people chat in real time, unread counts move, a reload keeps
 * the session, the language switches. Screenshots go to test-output/web.
 */
if (browserMissing) console.log(`# web client tests SKIPPED: ${browserMissing}`);

describe("the web client in a browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob");
    await h.send("alice", "bob", "Hi Bob, welcome aboard", "first");
  });
  after(() => h.close());

  test("the page is served with a strict content policy, and a wrong password is told", async () => {
    const r = await fetch(h.base);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const page = await h.newPage();
    await page.goto(h.base);
    await page.getByLabel("User").fill("alice");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    assert.match((await page.getByRole("alert").textContent()) ?? "", /do not match/);
    await h.shot(page, "login-error");
  });

  test("two people chat in real time; unread counts and a reload keep up", async () => {
    const alice = await h.login("alice");
    const bob = await h.login("bob");
    // Bob sees the chat with an unread badge, opens it, reads Alice's message.
    const chat = bob.getByTestId("conversation-alice");
    await chat.waitFor();
    assert.match((await chat.textContent()) ?? "", /Hi Bob, welcome aboard/);
    assert.equal(await chat.locator(".badge [aria-hidden]").textContent(), "1");
    await h.shot(bob, "conversation-list");
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
    // Alice has the chat open, so Bob's message shows as read on his side.
    const bobs = bob.locator(".message.mine", { hasText: "很高兴加入" });
    await bobs.getByTestId("receipt").filter({ hasText: "Read" }).waitFor();

    // Alice sends a picture; Bob sees it as a thumbnail of the right shape and opens it large.
    const picture = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 140, b: 90 } },
    })
      .jpeg()
      .toBuffer();
    await alice
      .getByTestId("file-input")
      .setInputFiles({ name: "park.jpg", mimeType: "image/jpeg", buffer: picture });
    const thumb = bob.getByTestId("thumbnail");
    await thumb.waitFor();
    await bob.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("[data-testid=thumbnail]");
      return img?.complete === true && img.naturalWidth > 0;
    });
    assert.deepEqual(
      await thumb.evaluate((img: HTMLImageElement) => [
        img.naturalWidth,
        img.naturalHeight,
        img.width,
        img.height,
      ]),
      [320, 240, 240, 180],
    );
    await h.shot(bob, "chat");
    await bob.getByRole("button", { name: /Open the picture/ }).click();
    await bob.locator(".lightbox img").waitFor();
    await bob.keyboard.press("Escape");
    await bob.locator(".lightbox").waitFor({ state: "detached" });

    // A reload keeps Bob logged in, with the chat and its messages.
    await bob.reload();
    await bob.getByTestId("me").waitFor();
    await bob.getByTestId("conversation-alice").click();
    await bob.locator(".message .bubble", { hasText: "See you at ten" }).waitFor();
    assert.equal(await bob.getByLabel("User").count(), 0, "no login form after a reload");

    // A second tab of Bob's is logged in by the same session and gets the same messages live.
    const tab = await bob.context().newPage();
    await tab.goto(h.base);
    await tab.getByTestId("conversation-alice").click();
    await alice.getByLabel("Write a message").fill("both tabs see this");
    await alice.getByLabel("Write a message").press("Enter");
    await tab.locator(".message .bubble", { hasText: "both tabs see this" }).waitFor();
    await bob.locator(".message .bubble", { hasText: "both tabs see this" }).waitFor();
  });

  test("emoji, and a banner while the connection is lost, then sending again", async () => {
    const alice = await h.login("alice");
    await alice.getByTestId("conversation-bob").click();
    await alice.getByLabel("Write a message").fill("Great ");
    await alice.getByRole("button", { name: "Emoji", exact: true }).click();
    await alice.getByRole("searchbox", { name: "Search emoji" }).fill("thumbs up");
    const thumb = alice.getByRole("button", { name: "thumbs up", exact: true });
    const text = (await thumb.textContent()) ?? "";
    assert.ok(text.startsWith("👍"));
    await thumb.click();
    assert.equal(await alice.getByLabel("Write a message").inputValue(), `Great ${text}`);
    await alice.getByLabel("Write a message").press("Enter");
    await alice.locator(".message .bubble", { hasText: `Great ${text}` }).waitFor();

    // A file dropped on the chat is uploaded and sent, and shows as a download.
    const drop = await alice.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(["minutes of the meeting"], "minutes.txt", { type: "text/plain" }));
      return dt;
    });
    await alice.locator("section.chat").dispatchEvent("drop", { dataTransfer: drop });
    const file = alice.getByRole("link", { name: "Download: minutes.txt" });
    await file.waitFor();
    assert.match(
      (await file.getAttribute("href")) ?? "",
      /^\/api\/v1\/files\/.+\/content\?u=.+&exp=\d+&sig=[0-9a-f]{64}$/,
    );

    await h.restart(async () => {
      await alice.getByRole("status").filter({ hasText: "reconnecting" }).waitFor();
      await h.shot(alice, "reconnecting");
    });
    await alice
      .getByRole("status")
      .filter({ hasText: "reconnecting" })
      .waitFor({ state: "detached", timeout: 20_000 });
    await alice.getByLabel("Write a message").fill("back again");
    await alice.getByLabel("Write a message").press("Enter");
    await alice.locator(".message.mine", { hasText: "back again" }).getByTestId("receipt").waitFor();
  });

  test("the interface switches to Chinese and fits a phone", async () => {
    const page = await h.login("alice", { locale: "zh-CN", width: 390, height: 780 });
    await page.getByTestId("conversation-bob").click();
    await page.getByLabel("输入消息").waitFor();
    await h.shot(page, "phone-chat-zh");
    await page.getByRole("button", { name: "返回列表" }).click();
    await page.getByRole("button", { name: "切换为英文界面" }).click();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  });
});

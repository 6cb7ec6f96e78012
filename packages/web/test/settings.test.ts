import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, password, WebHarness } from "./helpers/browser.js";

/**
 * The settings page in the browser: in English and Chinese; theme and text size; the
 * notification sound and desktop notices as the settings and do-not-disturb allow; changing the
 * password; signing out another session; a status message a colleague sees.
 */
if (browserMissing) console.log(`# settings tests SKIPPED: ${browserMissing}`);

/**
 * Before the page loads: desktop notices granted and recorded, WebAudio tones counted, and the
 * page as a user sees it who is looking elsewhere (hidden, unfocused), when notices and sounds
 * are for.
 */
const AWAY_WITH_NOTICES = `
  window.notices = [];
  window.tones = 0;
  window.Notification = class {
    static permission = "granted";
    static requestPermission() { return Promise.resolve("granted"); }
    constructor(title, opts) { window.notices.push({ title, body: (opts && opts.body) || "" }); }
  };
  window.AudioContext = class {
    currentTime = 0;
    destination = {};
    createOscillator() {
      window.tones++;
      return { type: "", frequency: { value: 0 }, connect: (g) => g, start() {}, stop() {} };
    }
    createGain() {
      const ramp = () => {};
      return {
        gain: { setValueAtTime: ramp, linearRampToValueAtTime: ramp, exponentialRampToValueAtTime: ramp },
        connect: (d) => d,
      };
    }
  };
  Object.defineProperty(document, "visibilityState", { get: () => "hidden" });
  document.hasFocus = () => false;
`;

/** For state on the server no page event announces: checked until it holds. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The WCAG contrast ratio of two computed `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe("the settings page", { skip: browserMissing }, () => {
  let h: WebHarness;

  /** Logs in on a page of its own, with `init` run before the client loads. */
  const loginWith = async (name: string, init?: string, locale = "en-US"): Promise<Page> => {
    const page = await h.newPage(locale);
    if (init) await page.addInitScript(init);
    await page.goto(h.base);
    const zh = locale.startsWith("zh");
    await page.getByLabel(zh ? "账号" : "User").fill(name);
    await page.getByLabel(zh ? "密码" : "Password").fill(password(name));
    await page.getByRole("button", { name: zh ? "登录" : "Sign in" }).click();
    await page.getByTestId("me").waitFor();
    return page;
  };
  const openSettings = async (page: Page) => {
    await page.getByTestId("open-settings").click();
    await page.locator(".settings").waitFor();
  };

  before(async () => {
    h = await WebHarness.start();
    await h.users(["alice", "Alice Wang"], ["bob", "Bob Li"], ["carol", "Carol"], ["dave", "Dave"]);
  });
  after(() => h.close());

  test("in English and in Chinese, opened from the header", async () => {
    const en = await h.login("carol");
    await en.getByRole("button", { name: /Carol: Settings/ }).click();
    for (const heading of ["Profile", "Notifications", "Appearance", "Password", "Devices and sessions"])
      await en.getByRole("heading", { name: heading }).waitFor();
    await en.getByRole("button", { name: "Close", exact: true }).click();
    await en.locator(".settings").waitFor({ state: "detached" });
    await en.context().close();

    const zh = await h.login("carol", { locale: "zh-CN" });
    await openSettings(zh);
    for (const heading of ["个人资料", "通知", "外观", "密码", "设备与登录"])
      await zh.getByRole("heading", { name: heading }).waitFor();
    await zh.getByRole("radio", { name: "English" }).check();
    await zh.getByRole("heading", { name: "Devices and sessions" }).waitFor();
    await zh.getByRole("radio", { name: "中文" }).check();
    await zh.getByRole("heading", { name: "设备与登录" }).waitFor();
    await h.shot(zh, "settings-zh");
    await zh.context().close();
  });

  test("the settings page passes axe in the light and the dark theme, in English and Chinese", async () => {
    for (const locale of ["en-US", "zh-CN"]) {
      const page = await h.login("carol", { locale });
      await openSettings(page);
      await page.getByTestId("session").first().waitFor();
      for (const theme of ["light", "dark"]) {
        await page.evaluate((t) => {
          document.documentElement.dataset.theme = t;
        }, theme);
        await expectAccessible(page, `settings, ${theme}, ${locale}`);
      }
      await page.context().close();
    }
  });

  test("theme and text size apply to the page and stay on this device", async () => {
    await h.send("dave", "carol", "hello carol", "d-theme");
    const page = await h.login("carol");
    await openSettings(page);
    await page.getByRole("radio", { name: "Dark" }).check();
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const colours = await page.evaluate(() => {
      const section = document.querySelector(".settings-section") as HTMLElement;
      const hint = document.querySelector(".settings-section .hint") as HTMLElement;
      return {
        page: getComputedStyle(document.body).backgroundColor,
        surface: getComputedStyle(section).backgroundColor,
        text: getComputedStyle(section).color,
        hint: getComputedStyle(hint).color,
      };
    });
    assert.ok(contrast(colours.page, "rgb(0, 0, 0)") < 1.5, `a dark page, got ${colours.page}`);
    assert.ok(contrast(colours.text, colours.surface) >= 4.5, "text keeps 4.5:1 on dark");
    assert.ok(contrast(colours.hint, colours.surface) >= 4.5, "so does muted text");
    await h.shot(page, "settings-dark");

    await page.getByRole("radio", { name: "Large" }).check();
    await page.getByRole("button", { name: "Close", exact: true }).click();
    await page.getByTestId("conversation-dave").click();
    const bubble = page.locator(".message .bubble", { hasText: "hello carol" });
    await bubble.waitFor();
    assert.equal(await bubble.evaluate((el) => getComputedStyle(el).fontSize), "18px");
    await page.reload();
    await page.getByTestId("me").waitFor();
    assert.deepEqual(
      await page.evaluate(() => ({ ...document.documentElement.dataset })),
      { theme: "dark", font: "large" },
      "kept for the next visit on this device",
    );
    await openSettings(page);
    await page.getByRole("radio", { name: "As the system" }).check();
    await page.getByRole("radio", { name: "Normal" }).check();
    await page.context().close();
  });

  test("the notification sound plays for a message, and not once it is turned off", async () => {
    const bob = await loginWith("bob", AWAY_WITH_NOTICES);
    await h.send("alice", "bob", "ding", "s1");
    await bob.waitForFunction(() => (window as unknown as { tones: number }).tones > 0);
    const tones = await bob.evaluate(() => (window as unknown as { tones: number }).tones);
    await openSettings(bob);
    const sound = bob.getByRole("checkbox", { name: "Notification sound" });
    assert.equal(await sound.isChecked(), true);
    await sound.uncheck();
    await until(
      async () => !(await h.server.core.settings.get(`bob@${h.domain}`)).notificationSound,
      "the setting saved",
    );
    await h.send("alice", "bob", "quiet now", "s2");
    await bob.locator(".conversation-preview", { hasText: "quiet now" }).waitFor();
    assert.equal(await bob.evaluate(() => (window as unknown as { tones: number }).tones), tones, "no sound");
    await sound.check();
    await bob.context().close();
  });

  test("do-not-disturb: no desktop notice while it is on, yet the message arrives", async () => {
    const bob = await loginWith("bob", AWAY_WITH_NOTICES);
    const notices = () => bob.evaluate(() => (window as unknown as { notices: unknown[] }).notices.length);
    await h.send("alice", "bob", "first notice", "n1");
    await bob.waitForFunction(() => (window as unknown as { notices: unknown[] }).notices.length > 0);
    const before = await notices();

    await openSettings(bob);
    await bob.getByRole("radio", { name: "On until I turn it off" }).check();
    await bob.getByRole("button", { name: "Save" }).click();
    await bob.getByTestId("dnd-now").waitFor();
    await bob.getByTestId("me").getByTestId("dnd-mark").waitFor();
    await h.send("alice", "bob", "while in dnd", "n2");
    await bob.locator(".conversation-preview", { hasText: "while in dnd" }).waitFor();
    assert.equal(await notices(), before, "no notice in do-not-disturb");
    const tones = await bob.evaluate(() => (window as unknown as { tones: number }).tones);

    await bob.getByRole("radio", { name: "Off", exact: true }).check();
    await bob.getByRole("button", { name: "Save" }).click();
    await bob.getByTestId("dnd-now").waitFor({ state: "detached" });
    await h.send("alice", "bob", "after dnd", "n3");
    await bob.waitForFunction(
      (n) => (window as unknown as { notices: unknown[] }).notices.length > n,
      before,
    );
    assert.ok((await bob.evaluate(() => (window as unknown as { tones: number }).tones)) > tones);
    await bob.context().close();
  });

  test("a status message and do-not-disturb a colleague sees", async () => {
    const alice = await h.login("alice");
    await openSettings(alice);
    await alice.getByLabel("Status", { exact: true }).fill("In a meeting");
    await alice.getByRole("radio", { name: "On for one hour" }).check();
    await alice.getByRole("button", { name: "Save" }).click();
    await alice.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await alice.context().close();

    await h.send("alice", "dave", "see my status", "st1");
    const dave = await h.login("dave");
    await dave.getByTestId("conversation-alice").click();
    const header = dave.locator(".chat-header");
    await header.getByText("In a meeting").waitFor();
    await header.getByTestId("dnd-mark").waitFor();
    await h.shot(dave, "settings-status-seen");
    await dave.context().close();
  });

  test("the password is changed with the first-login rules, and the other devices are signed out", async () => {
    await h.users("erin");
    const other = await h.login("erin");
    const page = await h.login("erin");
    await openSettings(page);
    const form = page.locator("form", { has: page.getByRole("heading", { name: "Password" }) });
    await form.getByLabel("Current password").fill(password("erin"));
    await form.getByLabel("New password", { exact: true }).fill("short");
    await form.getByLabel("New password again").fill("short");
    await form.getByRole("button", { name: "Change the password" }).click();
    await form.getByRole("alert").filter({ hasText: "too short" }).waitFor();

    await form.getByLabel("New password", { exact: true }).fill("erin-has-a-new-one");
    await form.getByLabel("New password again").fill("erin-has-a-new-one");
    await form.getByRole("button", { name: "Change the password" }).click();
    await form.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
    await other.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(
      (
        await h.server.core.accounts.login("erin", "erin-has-a-new-one", "127.0.0.1", {
          deviceId: "t",
          platform: "t",
        })
      ).user.id,
      `erin@${h.domain}`,
    );
    await page.context().close();
    await other.context().close();
  });

  test("devices and sessions: this device marked, another signed out from here", async () => {
    await h.users("frank");
    const phone = await h.login("frank");
    const laptop = await h.login("frank");
    await openSettings(laptop);
    const rows = laptop.getByTestId("session");
    await laptop.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length === 2);
    const mine = laptop.locator('[data-testid="session"][data-current="true"]');
    await mine.getByText("This device").waitFor();
    assert.match((await mine.textContent()) ?? "", /Starling Web/);
    await rows
      .filter({ hasNot: laptop.getByText("This device") })
      .getByRole("button", { name: "Sign out" })
      .click();
    await phone.getByRole("button", { name: "Sign in" }).waitFor();
    await laptop.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length === 1);
    assert.equal(await laptop.getByTestId("me").isVisible(), true, "this device stays signed in");
    await h.shot(laptop, "settings-sessions");
    await phone.context().close();
    await laptop.context().close();
  });
});

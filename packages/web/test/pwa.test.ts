import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { directConversationId } from "@starling/protocol";
import type { Page } from "playwright-core";
import { poll } from "../../server/test/helpers/poll.js";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * The installable app: the manifest and its icons, the service worker
 * controlling the page, the app opening with the server stopped on what
 * this browser saved (the shell from the Cache API, the chats and messages
 * from IndexedDB), a message written then sent once when the server is
 * back, and the unread total on the app badge.
 */
if (browserMissing) console.log(`# web app (PWA) tests SKIPPED: ${browserMissing}`);

const WAIT = { timeout: 30_000 };

/** Waits until a service worker controls the page (installed, the shell cached, activated). */
const controlled = (page: Page) =>
  page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, WAIT);

/** The saved snapshot of `userId` in IndexedDB: the conversation ids and each saved chat's texts. */
const savedOffline = (page: Page, userId: string) =>
  page.evaluate(
    (user) =>
      new Promise<{ conversations: string[]; chats: [string, string[]][] } | null>((resolve, reject) => {
        const open = indexedDB.open("starling-offline", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction("snapshots").objectStore("snapshots").get(user);
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            const s = get.result as
              | {
                  conversations: { id: string }[];
                  messages: [string, { content?: { text: string } }[]][];
                }
              | undefined;
            resolve(
              s
                ? {
                    conversations: s.conversations.map((c) => c.id),
                    chats: s.messages.map(([id, ms]) => [id, ms.map((m) => m.content?.text ?? "")]),
                  }
                : null,
            );
          };
        };
      }),
    userId,
  );

describe("the web client as an installed app", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users(["alice", "Alice"], ["bob", "Bob"], ["carol", "Carol"]);
  });
  after(() => h.close());

  test("the manifest and its icons are served and describe the app", async () => {
    const res = await fetch(new URL("manifest.webmanifest", h.base));
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/manifest\+json/);
    const m = (await res.json()) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    assert.equal(m.name, "Starling");
    assert.ok(m.short_name);
    assert.equal(m.start_url, "/");
    assert.equal(m.display, "standalone");
    assert.match(m.theme_color, /^#[0-9a-f]{6}$/i);
    assert.match(m.background_color, /^#[0-9a-f]{6}$/i);
    const sizes = m.icons.map((i) => `${i.sizes} ${i.purpose}`).sort();
    assert.deepEqual(sizes, ["192x192 any", "512x512 any", "512x512 maskable"]);
    for (const icon of m.icons) {
      const png = await fetch(new URL(icon.src, h.base));
      assert.equal(png.status, 200, icon.src);
      assert.equal(png.headers.get("content-type"), "image/png");
      const bytes = Buffer.from(await png.arrayBuffer());
      // PNG signature, then the IHDR chunk's width and height (PNG spec, section 11.2.2).
      assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG", icon.src);
      const [w, hgt] = icon.sizes.split("x").map(Number);
      assert.equal(bytes.readUInt32BE(16), w, `${icon.src} width`);
      assert.equal(bytes.readUInt32BE(20), hgt, `${icon.src} height`);
    }
    const sw = await fetch(new URL("sw.js", h.base));
    assert.equal(sw.status, 200);
    assert.match(sw.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(sw.headers.get("cache-control"), "no-cache", "a new build's worker is found at once");
    const page = await h.newPage();
    await page.goto(h.base);
    assert.equal(await page.locator('link[rel="manifest"]').getAttribute("href"), "/manifest.webmanifest");
    await page.context().close();
  });

  test("with the server stopped, a reload opens on the saved chats and messages; a message written then is stored once", async () => {
    await h.send("bob", "alice", "saved for later");
    await h.send("carol", "alice", "from carol");
    const alice = await h.login("alice");
    await controlled(alice);
    const userId = `alice@${h.domain}`;
    await alice.getByTestId("conversation-bob").click();
    await alice.locator(".message", { hasText: "saved for later" }).waitFor();
    await poll(
      () => savedOffline(alice, userId),
      (s) =>
        (s?.chats.some(([, texts]) => texts.includes("saved for later")) ?? false) &&
        s?.conversations.length === 2,
      "the list and bob's chat saved in IndexedDB",
    );

    await h.restart(async () => {
      await alice.reload();
      // The shell from the cache, the session offline on what was saved.
      await alice.getByRole("status").filter({ hasText: "No connection" }).waitFor(WAIT);
      await alice.getByTestId("conversation-carol").waitFor();
      await alice.getByTestId("conversation-bob").click();
      await alice.locator(".message", { hasText: "saved for later" }).waitFor();
      const box = alice.getByLabel("Write a message");
      await box.fill("written while the server was down");
      await box.press("Enter");
      await alice
        .locator(".message.pending", { hasText: "written while the server was down" })
        .getByText("Not sent yet")
        .waitFor();
      await h.shot(alice, "pwa-offline");
      await expectAccessible(alice, "offline, on what was saved");
    });

    // Back: the login works on its next try, and the message goes out under the id it was written with.
    await alice
      .getByRole("status")
      .filter({ hasText: "No connection" })
      .waitFor({ state: "detached", ...WAIT });
    const sent = alice.locator(".message[data-seq]", { hasText: "written while the server was down" });
    await sent.waitFor(WAIT);
    await alice.locator(".message.pending").waitFor({ state: "detached", ...WAIT });
    const history = await h.server.core.history.page(
      userId,
      directConversationId(userId, `bob@${h.domain}`),
      {
        afterSeq: 0,
        beforeSeq: 0,
        limit: 50,
      },
    );
    assert.deepEqual(
      history.messages.map((m) => m.content?.text),
      ["saved for later", "written while the server was down"],
      "stored once",
    );

    // Signing out deletes what was saved.
    await alice.getByRole("button", { name: "Sign out" }).click();
    await alice.getByLabel("User").waitFor();
    await poll(
      () => savedOffline(alice, userId),
      (s) => s === null,
      "the saved data deleted",
    );
    await alice.context().close();
  });

  test("the unread total goes on the app badge, and off it when read", async () => {
    const context = await h.browser.newContext({ locale: "en-US" });
    // A string, not a function: the test's TypeScript loader would add helpers the page does not have.
    await context.addInitScript(`
      window.badgeCalls = [];
      Object.defineProperty(navigator, "setAppBadge", {
        configurable: true,
        value: async (n) => void window.badgeCalls.push(n ?? null),
      });
      Object.defineProperty(navigator, "clearAppBadge", {
        configurable: true,
        value: async () => void window.badgeCalls.push(0),
      });
    `);
    await h.send("bob", "carol", "one");
    await h.send("bob", "carol", "two");
    await h.send("alice", "carol", "three");
    const page = await context.newPage();
    await page.goto(h.base);
    await page.getByLabel("User").fill("carol");
    await page.getByLabel("Password").fill("pw-carol-secret");
    await page.getByRole("button", { name: "Sign in" }).click();
    const badge = () =>
      page.evaluate(() => (window as unknown as { badgeCalls: number[] }).badgeCalls.at(-1));
    await poll(badge, (n) => n === 3, "the badge at 3");
    await page.getByTestId("conversation-bob").click();
    await poll(badge, (n) => n === 1, "the badge at 1 once bob's chat is read");
    await page.getByTestId("conversation-alice").click();
    await poll(badge, (n) => n === 0, "the badge cleared");
    await context.close();
  });
});

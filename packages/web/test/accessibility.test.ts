import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, SendMessageSchema } from "@starling/protocol";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { type Lang, stringsOf } from "../src/i18n.js";
import { passwordStrings } from "../src/ui/password-strings.js";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * Every screen of the web client passes axe-core's WCAG 2.1 A/AA rules with no
 * serious or critical finding, on a desktop (1440x900) and a phone (390x844),
 * in English and Chinese: login, the first-login password step, the chat list
 * empty and full (unread, muted), a 1:1 and a group chat with every kind of
 * message, the emoji picker, contacts, search results and the reconnecting
 * banner. Each screen is checked when its content is on screen, and all of a
 * run's findings are reported together.
 */
if (browserMissing) console.log(`# accessibility tests SKIPPED: ${browserMissing}`);

const ctx = { actor: "system", source: "test", scope: "*" };

interface Combo {
  name: string;
  locale: string;
  lang: Lang;
  width: number;
  height: number;
}
const COMBOS: Combo[] = [
  { name: "desktop, en", locale: "en-US", lang: "en", width: 1440, height: 900 },
  { name: "desktop, zh-CN", locale: "zh-CN", lang: "zh", width: 1440, height: 900 },
  { name: "phone, en", locale: "en-US", lang: "en", width: 390, height: 844 },
  { name: "phone, zh-CN", locale: "zh-CN", lang: "zh", width: 390, height: 844 },
];

describe("accessibility of every screen (axe-core, WCAG 2.1 AA)", { skip: browserMissing }, () => {
  let h: WebHarness;
  let newcomerPassword = "";
  const d = () => h.domain;

  /** Sends `content` from one user to another through the core. */
  const post = (from: string, target: { toUserId?: string; conversationId?: string }, content: object) =>
    h.server.core.send(
      `${from}@${d()}`,
      create(SendMessageSchema, { ...target, clientMsgId: `${from}-${Math.random()}`, content }),
    );

  before(async () => {
    h = await WebHarness.start();
    await h.users(["alice", "Alice Wang"], ["bob", "Bob Li"], "carol", "erin", "dave");
    await h.server.admin.saveDepartment(ctx, undefined, { id: "eng", parentId: "", name: "Engineering" });
    const report = await h.server.admin.importUsers(
      ctx,
      undefined,
      JSON.stringify([{ id: "newcomer", name: "新同事", department: "Engineering" }]),
      "json",
      { dryRun: false },
    );
    newcomerPassword = report.initialPasswords[0]?.password ?? "";
    assert.ok(newcomerPassword);

    // The 1:1 chat: text, a link, a code block, a recalled message, a picture and a file, both ways.
    const bob = { toUserId: `bob@${d()}` };
    const alice = { toUserId: `alice@${d()}` };
    await post("bob", alice, { text: "Hi Alice, the build is green: https://example.com/build/42" });
    await post("alice", bob, { text: "Thanks **Bob**, see `deploy.sh`" });
    await post("bob", alice, {
      text: "```ts\nconst answer = 42; // the answer\nexport default answer;\n```",
    });
    const wrong = await post("alice", bob, { text: "sent to the wrong chat" });
    await h.server.core.recaller.recall(`alice@${d()}`, wrong.conversationId, wrong.seq);
    const files = h.server.core.files;
    assert.ok(files);
    const picture = await sharp({
      create: { width: 400, height: 300, channels: 3, background: { r: 30, g: 140, b: 90 } },
    })
      .png()
      .toBuffer();
    const image = await files.upload(`bob@${d()}`, "park.png", picture);
    await post("bob", alice, { attachments: [{ fileId: image.id }] });
    const doc = await files.upload(`alice@${d()}`, "minutes.txt", new TextEncoder().encode("minutes"));
    await post("alice", bob, { text: "the minutes", attachments: [{ fileId: doc.id }] });

    // The group: others' messages with a mention of Alice, and hers.
    const group = await h.server.core.groups.create({ userId: `alice@${d()}` }, "Launch", [
      `bob@${d()}`,
      `carol@${d()}`,
    ]);
    const g = { conversationId: group.id };
    await post("bob", g, {
      text: "@alice the launch is on Friday",
      mentions: [{ userId: `alice@${d()}`, offset: 0, length: 6 }],
    });
    await post("carol", g, { text: "> quoting the plan\n\n- slides\n- demo" });
    await post("alice", g, { text: "On it" });

    // An unread chat and a muted one, never opened here, so their badges stay.
    await post("carol", alice, { text: "unread news" });
    const muted = await post("erin", alice, { text: "muted chatter" });
    await h.server.core.prefs.set(`alice@${d()}`, muted.conversationId, { muted: true });
  });
  after(() => h.close());

  async function check(page: Page, label: string, problems: string[]) {
    try {
      await expectAccessible(page, label);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }

  for (const c of COMBOS) {
    test(`every screen, ${c.name}`, async () => {
      const t = stringsOf(c.lang);
      const size = { width: c.width, height: c.height };
      const phone = c.width < 640;
      const problems: string[] = [];

      const login = await h.newPage(c.locale, size);
      await login.goto(h.base);
      await login.getByRole("heading", { name: t.appName }).waitFor();
      await login.getByTestId("domain").waitFor();
      await check(login, `login, ${c.name}`, problems);

      await login.getByLabel(t.userId).fill("newcomer");
      await login.getByLabel(t.password, { exact: true }).fill(newcomerPassword);
      await login.getByRole("button", { name: t.signIn }).click();
      await login.getByRole("heading", { name: passwordStrings[c.lang].newPasswordTitle }).waitFor();
      await check(login, `first-login new password, ${c.name}`, problems);
      await login.context().close();

      const empty = await h.login("dave", { locale: c.locale, ...size });
      await empty.getByText(t.noConversations).waitFor();
      await check(empty, `empty chat list, ${c.name}`, problems);
      await empty.context().close();

      const page = await h.login("alice", { locale: c.locale, ...size });
      await page.getByTestId("conversation-erin").getByTestId("muted").waitFor();
      await page.getByTestId("conversation-carol").locator(".badge").waitFor();
      await check(page, `chat list with chats, ${c.name}`, problems);

      await page.getByTestId("conversation-bob").click();
      await page.getByTestId("thumbnail").waitFor();
      await page.locator(".message", { hasText: "minutes.txt" }).waitFor();
      await page.locator("pre.code-block").waitFor();
      await page.locator(".message em", { hasText: t.recalled }).waitFor();
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("[data-testid=thumbnail]");
        return img?.complete === true && img.naturalWidth > 0;
      });
      await check(page, `1:1 chat, ${c.name}`, problems);

      await page.getByRole("button", { name: t.emoji }).click();
      // The full set is in once a category's emoji are listed.
      await page.locator(".emoji-grid button").first().waitFor();
      await check(page, `emoji picker, ${c.name}`, problems);
      await page.keyboard.press("Escape");

      if (phone) await page.getByRole("button", { name: t.back }).click();
      await page.getByTestId("conversation-Launch").click();
      await page.locator(".message .mention").first().waitFor();
      await check(page, `group chat, ${c.name}`, problems);

      if (phone) await page.getByRole("button", { name: t.back }).click();
      await page.getByRole("tab", { name: t.contactsTab }).click();
      await page.getByRole("heading", { name: t.contactsOrg }).waitFor();
      await page.getByRole("button", { name: "Engineering", exact: true }).waitFor();
      await check(page, `contacts, ${c.name}`, problems);

      await page.getByRole("tab", { name: t.searchTab }).click();
      const box = page.getByRole("searchbox", { name: t.searchBox });
      await box.fill("launch");
      await box.press("Enter");
      await page.getByRole("region", { name: t.searchMessages }).getByRole("listitem").first().waitFor();
      await check(page, `search results, ${c.name}`, problems);
      await page.context().close();

      assert.deepEqual(problems, [], problems.join("\n\n"));
    });
  }

  test("the reconnecting banner, on every size and language", async () => {
    const pages = await Promise.all(
      COMBOS.map((c) => h.login("dave", { locale: c.locale, width: c.width, height: c.height })),
    );
    const problems: string[] = [];
    await h.restart(async () => {
      for (const [i, c] of COMBOS.entries()) {
        const page = pages[i] as Page;
        await page
          .getByRole("status")
          .filter({ hasText: stringsOf(c.lang).reconnecting })
          .waitFor();
        await check(page, `reconnecting banner, ${c.name}`, problems);
      }
    });
    for (const p of pages) await p.context().close();
    assert.deepEqual(problems, [], problems.join("\n\n"));
  });
});

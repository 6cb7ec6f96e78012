import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { create, SendMessageSchema } from "@starling/protocol";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/** "[@me]" on a chat with an unread mention of me (even muted), and the @me view across chats. */
if (browserMissing) console.log(`# web mentions view tests SKIPPED: ${browserMissing}`);

const WAIT = { timeout: 20_000 };

describe("mentions of me in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;
  let group = "";

  before(async () => {
    h = await WebHarness.start();
    await h.users(["olga", "Olga"], ["bob", "Bob"]);
    const d = h.domain;
    const core = h.server.core;
    group = (await core.groups.create({ userId: `olga@${d}` }, "Ops", [`bob@${d}`])).id;
    await core.prefs.set(`bob@${d}`, group, { muted: true });
    const say = (text: string, to: { conversationId?: string; toUserId?: string }, mention: boolean) =>
      core.send(
        `olga@${d}`,
        create(SendMessageSchema, {
          ...to,
          clientMsgId: randomUUID(),
          content: {
            text,
            mentions: mention ? [{ userId: `bob@${d}`, offset: text.indexOf("@Bob"), length: 4 }] : [],
          },
        }),
      );
    await say("@Bob please check the release", { conversationId: group }, true);
    for (let i = 0; i < 3; i++) await say(`filler ${i}`, { conversationId: group }, false);
    await say("a plain hello", { toUserId: `bob@${d}` }, false);
    await say("and @Bob the follow-up", { toUserId: `bob@${d}` }, true);
  });
  after(() => h.close());

  test("a muted chat with an unread mention is marked; the @me view lists mentions newest first and jumps", async () => {
    const bob = await h.login("bob");
    const ops = bob.getByTestId("conversation-Ops");
    await ops.getByTestId("muted").waitFor(WAIT);
    await ops.getByTestId("mention-marker").filter({ hasText: "[@me]" }).waitFor(WAIT);
    await h.shot(bob, "mention-marker");

    await bob.getByRole("tab", { name: "@me" }).click();
    const hits = bob.getByTestId("mention-hit");
    await hits.first().waitFor(WAIT);
    const texts = await hits.allTextContents();
    assert.equal(texts.length, 2);
    assert.match(texts[0] ?? "", /the follow-up/, "newest first");
    assert.match(texts[1] ?? "", /please check the release/);
    assert.match(texts[1] ?? "", /Ops/, "says which chat");
    await h.shot(bob, "mentions-view");
    await hits.nth(1).click();
    const target = bob.locator(".message.focused", { hasText: "please check the release" });
    await target.waitFor(WAIT);
    // Opened and read: the marker goes.
    await bob.getByRole("tab", { name: "Chats" }).click();
    await bob.getByTestId("conversation-Ops").waitFor();
    await bob
      .getByTestId("conversation-Ops")
      .getByTestId("mention-marker")
      .waitFor({ state: "detached", ...WAIT });
    await bob.context().close();
  });

  test("zh: the marker reads [有人@我]", async () => {
    await h.server.core.send(
      `olga@${h.domain}`,
      create(SendMessageSchema, {
        conversationId: group,
        clientMsgId: randomUUID(),
        content: { text: "@Bob 再看一下", mentions: [{ userId: `bob@${h.domain}`, offset: 0, length: 4 }] },
      }),
    );
    const bob = await h.login("bob", { locale: "zh-CN" });
    await bob
      .getByTestId("conversation-Ops")
      .getByTestId("mention-marker")
      .filter({ hasText: "[有人@我]" })
      .waitFor(WAIT);
    await bob.getByRole("tab", { name: "@我" }).waitFor();
    await bob.context().close();
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { TcpProxy } from "../../server/test/helpers/tcp-proxy.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * Messages written while the connection is down show at once as not sent,
 * can be cancelled while they never went out, survive a reload and are
 * delivered once when the connection returns; a refused one shows why, with
 * retry and discard. A silently dead link (packets black-holed) is noticed
 * by the heartbeat: the banner shows, and what was written meanwhile is
 * delivered once after the network returns.
 */
if (browserMissing) console.log(`# web offline-sends tests SKIPPED: ${browserMissing}`);

const WAIT = { timeout: 20_000 };

describe("unsent messages in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;
  const proxies: TcpProxy[] = [];

  before(async () => {
    // Short heartbeats, so that a dead link is noticed quickly.
    h = await WebHarness.start({ "limits.heartbeatIntervalMs": 300 });
    await h.users("alice", "bob", "dave", "erin");
    chats.set("alice-bob", (await h.send("bob", "alice", "hello alice")).conversationId);
    chats.set("dave-erin", (await h.send("erin", "dave", "hello dave")).conversationId);
    chats.set("erin-bob", (await h.send("bob", "erin", "hello erin")).conversationId);
  });
  after(async () => {
    for (const p of proxies) await p.cut();
    await h.close();
  });

  const write = async (page: Page, text: string) => {
    const box = page.getByLabel("Write a message");
    await box.fill(text);
    await box.press("Enter");
  };
  const stored = (page: Page, text: string) => page.locator(".message[data-seq]", { hasText: text });
  const pending = (page: Page, text: string) => page.locator(".message.pending", { hasText: text });
  const chats = new Map<string, string>();
  /** The texts stored in a chat, as the server has them. */
  const texts = async (name: string, chat: string) => {
    const id = chats.get(chat) ?? "";
    const page = await h.server.core.history.page(`${name}@${h.domain}`, id, {
      afterSeq: 0,
      beforeSeq: 0,
      limit: 50,
    });
    return page.messages.map((m) => m.content?.text);
  };

  test("written offline: shown at once, cancelled for good or delivered once after a reload", async () => {
    const alice = await h.login("alice");
    await alice.getByTestId("conversation-bob").click();
    await stored(alice, "hello alice").waitFor();
    const context = alice.context();

    await h.restart(async () => {
      await alice.getByRole("status").filter({ hasText: "reconnecting" }).waitFor(WAIT);
      await write(alice, "kept while away");
      await write(alice, "thought better of it");
      const kept = pending(alice, "kept while away");
      await kept.getByText("Not sent yet").waitFor();
      // In the order written, after the stored messages.
      const items = await alice.locator(".messages > li").allTextContents();
      const at = (text: string) => items.findIndex((x) => x.includes(text));
      assert.ok(
        at("hello alice") < at("kept while away") && at("kept while away") < at("thought better of it"),
        "in the order written, after the stored messages",
      );
      await pending(alice, "thought better of it").getByRole("button", { name: "Cancel" }).click();
      await pending(alice, "thought better of it").waitFor({ state: "detached" });
      await h.shot(alice, "offline-pending");
      // A reload while offline: the unsent message is kept in the browser.
      await alice.close();
    });

    const again = await context.newPage();
    await again.goto(h.base);
    await again.getByTestId("conversation-bob").click();
    await stored(again, "kept while away").waitFor(WAIT);
    await pending(again, "kept while away").waitFor({ state: "detached" });
    assert.equal(await stored(again, "kept while away").count(), 1);
    assert.equal(await again.getByText("thought better of it").count(), 0);
    assert.deepEqual(
      await texts("alice", "alice-bob"),
      ["hello alice", "kept while away"],
      "stored once; the cancelled one never",
    );
    await context.close();
  });

  test("a refused message shows why, with retry and discard; nothing is stored", async () => {
    const dave = await h.login("dave");
    await dave.getByTestId("conversation-erin").click();
    await stored(dave, "hello dave").waitFor();
    // A control character: the server refuses it, and will every time.
    await write(dave, "ring the \u0007 bell");
    const item = pending(dave, "bell");
    await item.getByRole("alert").filter({ hasText: "Not sent" }).waitFor(WAIT);
    assert.match((await item.getByRole("alert").textContent()) ?? "", /U\+0007/);
    await item.getByRole("button", { name: "Retry" }).click();
    await item.getByRole("alert").filter({ hasText: "Not sent" }).waitFor(WAIT);
    assert.equal(await pending(dave, "bell").count(), 1, "retried under the same id: still one");
    await h.shot(dave, "offline-failed");
    await item.getByRole("button", { name: "Discard" }).click();
    await item.waitFor({ state: "detached" });
    await write(dave, "never mind");
    await stored(dave, "never mind").waitFor(WAIT);
    assert.deepEqual(await texts("dave", "dave-erin"), ["hello dave", "never mind"]);
    await dave.context().close();
  });

  test("a silently dead link: the banner shows, and what was written meanwhile arrives once", async () => {
    const proxy = new TcpProxy("127.0.0.1", h.server.httpPort);
    proxies.push(proxy);
    const port = await proxy.start();
    const erin = await h.login("erin", { base: `http://127.0.0.1:${port}/` });
    await erin.getByTestId("conversation-bob").click();
    await stored(erin, "hello erin").waitFor();

    proxy.blackHole();
    // Nothing closes the socket: only the heartbeat can tell.
    await erin.getByRole("status").filter({ hasText: "reconnecting" }).waitFor(WAIT);
    await write(erin, "through the outage");
    await pending(erin, "through the outage").waitFor();
    await h.shot(erin, "dead-link");

    await proxy.restore();
    await erin
      .getByRole("status")
      .filter({ hasText: "reconnecting" })
      .waitFor({ state: "detached", ...WAIT });
    await stored(erin, "through the outage").waitFor(WAIT);
    await pending(erin, "through the outage").waitFor({ state: "detached" });
    assert.equal(await stored(erin, "through the outage").count(), 1);
    assert.deepEqual(await texts("erin", "erin-bob"), ["hello erin", "through the outage"], "stored once");
    await erin.context().close();
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/** A group chat in the browser: @mentions with autocomplete, "N read" receipts, presence dots. */
if (browserMissing) console.log(`# web group-chat tests SKIPPED: ${browserMissing}`);

describe("a group chat in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob", "carol");
    const d = h.domain;
    await h.server.core.groups.create({ userId: `alice@${d}` }, "Launch", [`bob@${d}`, `carol@${d}`]);
    await h.send("alice", "bob", "a 1:1 chat, for presence", "direct");
  });
  after(() => h.close());

  test("mention with autocomplete, then watch the read count grow", async () => {
    const alice = await h.login("alice");
    const bob = await h.login("bob");
    // Presence: Bob is online, so Alice's 1:1 chat with him shows a green dot.
    await alice.getByTestId("conversation-bob").locator(".presence.online").waitFor();

    await alice.getByTestId("conversation-Launch").click();
    const box = alice.getByLabel("Write a message");
    await box.pressSequentially("@b");
    await alice.getByRole("option", { name: "@bob" }).waitFor();
    await box.press("Enter");
    await box.pressSequentially("the launch is on Friday");
    assert.equal(await box.inputValue(), "@bob the launch is on Friday");
    await box.press("Enter");

    const mine = alice.locator(".message.mine", { hasText: "the launch is on Friday" });
    await mine.getByTestId("receipt").filter({ hasText: "0 read" }).waitFor();

    await bob.getByTestId("conversation-Launch").click();
    const got = bob.locator(".message", { hasText: "the launch is on Friday" });
    assert.equal(await got.locator(".mention").textContent(), "@bob");
    await mine.getByTestId("receipt").filter({ hasText: "1 read" }).waitFor();

    const carol = await h.login("carol");
    await carol.getByTestId("conversation-Launch").click();
    await mine.getByTestId("receipt").filter({ hasText: "2 read" }).waitFor();
    await mine.getByTestId("receipt").click();
    const readers = mine.getByRole("list", { name: "Read by" });
    assert.deepEqual((await readers.getByRole("listitem").allTextContents()).sort(), ["bob", "carol"]);
    await h.shot(alice, "group-chat");
  });

  test("a new picture of oneself shows on the others' screens", async () => {
    const alice = await h.login("alice");
    const bob = await h.login("bob");
    await bob.getByTestId("conversation-alice").waitFor();
    const picture = await sharp({
      create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 40, b: 120 } },
    })
      .png()
      .toBuffer();
    await alice
      .getByTestId("avatar-input")
      .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: picture });
    const img = bob.getByTestId("conversation-alice").locator(".avatar img");
    await img.waitFor();
    await bob.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>("[data-testid=conversation-alice] .avatar img");
      return el?.complete === true && el.naturalWidth === 64;
    });
    await h.shot(bob, "avatar");
  });

  test("pinning puts a chat on top on every device; muting is shown", async () => {
    const alice = await h.login("alice");
    const other = await h.login("alice");
    const titles = (page: typeof alice) => page.locator(".conversation-title").allTextContents();
    await alice.getByTestId("conversation-Launch").waitFor();
    assert.match((await titles(alice))[0] ?? "", /Launch/, "the newest activity on top");
    await alice.getByTestId("conversation-bob").click();
    await alice.getByRole("button", { name: "Pin", exact: true }).click();
    await alice.getByRole("button", { name: "Mute", exact: true }).click();
    await alice.getByTestId("conversation-bob").getByTestId("muted").waitFor();
    assert.match((await titles(alice))[0] ?? "", /bob/, "pinned on top");
    // The other device learns of it without reloading.
    await other.getByTestId("conversation-bob").getByTestId("pinned").waitFor();
    assert.match((await titles(other))[0] ?? "", /bob/);
    await h.shot(other, "pinned-muted");
  });
});

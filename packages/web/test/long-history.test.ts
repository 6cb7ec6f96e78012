import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * A chat far longer than what a page keeps loaded: scrolling back loads
 * older pages without moving what is on screen, and the page never holds
 * more than the window of messages however far one goes.
 */
if (browserMissing) console.log(`# web long-history tests SKIPPED: ${browserMissing}`);

const COUNT = 1500;

describe("a long history in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob");
    // Sent together: the server stores them in a few group commits.
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) => h.send("alice", "bob", `line ${i + 1}`, `l${i + 1}`)),
    );
  });
  after(() => h.close());

  test("scrolling back is steady and the page stays bounded", async () => {
    const bob = await h.login("bob");
    await bob.getByTestId("conversation-alice").click();
    await bob.locator(".message .bubble", { hasText: `line ${COUNT}` }).waitFor();
    let oldest = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 12; round++) {
      // The message at the top of the view, and where it is, just before a page of older ones arrives.
      const before = await bob.evaluate(() => {
        const list = document.querySelector<HTMLElement>(".messages");
        if (!list) throw new Error("no message list");
        const items = [...list.querySelectorAll<HTMLElement>("[data-seq]")];
        const first = items[0] as HTMLElement;
        list.scrollTop = 0;
        return { seq: first.dataset.seq ?? "", y: first.getBoundingClientRect().top, count: items.length };
      });
      await bob.waitForFunction((seq) => {
        const first = document.querySelector<HTMLElement>(".messages [data-seq]");
        return (
          first !== null && first.dataset.seq !== seq && document.querySelector(".loading-more") === null
        );
      }, before.seq);
      const after = await bob.evaluate((seq) => {
        const item = document.querySelector<HTMLElement>(`.messages [data-seq="${seq}"]`);
        return {
          y: item?.getBoundingClientRect().top ?? Number.NaN,
          count: document.querySelectorAll(".messages [data-seq]").length,
          first: Number(document.querySelector<HTMLElement>(".messages [data-seq]")?.dataset.seq),
        };
      }, before.seq);
      assert.ok(
        Math.abs(after.y - before.y) <= 1,
        `round ${round}: the message on top moved ${after.y - before.y}px`,
      );
      assert.ok(after.count <= 300, `round ${round}: ${after.count} messages in the page`);
      assert.ok(after.first < oldest, "older messages arrived");
      oldest = after.first;
    }
    assert.ok(oldest < COUNT - 500, `scrolled back to ${oldest}`);
    await h.shot(bob, "long-history");
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * Message text in a real browser: links open safely in a new tab, the
 * markdown subset renders as elements (never as HTML of the user's text),
 * code blocks are highlighted once the highlighter has loaded.
 */
if (browserMissing) console.log(`# message text tests SKIPPED: ${browserMissing}`);

describe("message text in the browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start();
    await h.users("alice", "bob");
    const d = h.domain;
    await h.server.core.groups.create({ userId: `alice@${d}` }, "Styling", [`bob@${d}`]);
  });
  after(() => h.close());

  test("a link, bold, a list and a code block render as such; hostile text stays text", async () => {
    await h.send(
      "alice",
      "bob",
      [
        "Docs at https://example.test/guide?x=1, **please read** before ~~Friday~~ *Monday*.",
        "- first",
        "- second",
        "```js",
        'const answer = 42; // "the" answer',
        "```",
        "javascript:alert(1) <img src=x onerror=alert(2)> `<b>raw</b>`",
      ].join("\n"),
    );
    const bob = await h.login("bob");
    let dialogs = 0;
    bob.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await bob.getByTestId("conversation-alice").click();
    const bubble = bob.locator(".message .bubble", { hasText: "please read" });
    await bubble.waitFor();

    const link = bubble.getByRole("link", { name: "https://example.test/guide?x=1" });
    assert.equal(await link.getAttribute("href"), "https://example.test/guide?x=1");
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
    assert.equal(await bubble.locator("a").count(), 1, "only the http link is a link");

    assert.equal(await bubble.locator("strong").textContent(), "please read");
    assert.equal(await bubble.locator("del").textContent(), "Friday");
    assert.equal(await bubble.locator("em").textContent(), "Monday");
    assert.deepEqual(await bubble.locator("ul > li").allTextContents(), ["first", "second"]);

    const code = bubble.locator("pre.code-block code");
    assert.equal(await code.textContent(), 'const answer = 42; // "the" answer');
    await code.locator(".tok-keyword", { hasText: "const" }).waitFor();
    assert.equal(await code.locator(".tok-number").textContent(), "42");
    assert.equal(await code.locator(".tok-comment").textContent(), '// "the" answer');

    // What looks like HTML is shown as the characters it is.
    assert.equal(await bubble.locator("img, b").count(), 0);
    assert.equal(await bubble.locator("p code").textContent(), "<b>raw</b>");
    assert.match((await bubble.textContent()) ?? "", /javascript:alert\(1\) <img src=x onerror=alert\(2\)>/);
    assert.equal(dialogs, 0);
    await h.shot(bob, "message-markdown");
  });

  test("a mention inside bold keeps its highlight", async () => {
    const alice = await h.login("alice");
    await alice.getByTestId("conversation-Styling").click();
    const box = alice.getByLabel("Write a message");
    await box.pressSequentially("**hello @bo");
    await alice.getByRole("option").first().waitFor();
    await box.press("Enter");
    // The suggestion adds a space after the name; the bold closes right after it.
    await box.press("Backspace");
    await box.pressSequentially("** and `code`");
    await box.press("Enter");
    const bubble = alice.locator(".message .bubble", { hasText: "and code" });
    await bubble.waitFor();
    assert.match((await bubble.locator("strong .mention").textContent()) ?? "", /^@bob/);
    assert.equal(await bubble.locator("code").textContent(), "code");
  });
});

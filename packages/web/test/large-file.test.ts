import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/** A file too big for one request goes up resumably, in chunks, and arrives whole. */
if (browserMissing) console.log(`# web large-file tests SKIPPED: ${browserMissing}`);

describe("a large file from the browser", { skip: browserMissing }, () => {
  let h: WebHarness;

  before(async () => {
    h = await WebHarness.start({ "files.maxUploadBytes": 64 * 1024 });
    await h.users("alice", "bob");
    await h.send("bob", "alice", "send me the data", "ask");
  });
  after(() => h.close());

  test("over the one-request limit, the client falls back to the resumable upload", async () => {
    const alice = await h.login("alice");
    await alice.getByTestId("conversation-bob").click();
    const data = randomBytes(300 * 1024);
    await alice.getByTestId("file-input").setInputFiles({
      name: "dataset.bin",
      mimeType: "application/octet-stream",
      buffer: data,
    });
    const link = alice.getByRole("link", { name: "Download: dataset.bin" });
    await link.waitFor();
    const href = (await link.getAttribute("href")) ?? "";
    const got = Buffer.from(await (await fetch(new URL(href, h.base))).arrayBuffer());
    assert.ok(got.equals(data), "the same bytes came back");
  });
});

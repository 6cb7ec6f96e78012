import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { create, SendMessageSchema } from "@starling/protocol";
import sharp from "sharp";
import { expectAccessible } from "./helpers/axe.js";
import { browserMissing, WebHarness } from "./helpers/browser.js";

/**
 * A chat's file list and the image viewer in a real browser against a real
 * server: the list newest first with sizes, senders and thumbnails, a jump
 * to the message that shared a file far back in the history, the same list
 * for a member who joined later (in Chinese), and the viewer's zoom keys,
 * previous and next, and Escape giving focus back. Screenshots go to
 * test-output/web.
 */

if (browserMissing) console.log(`# chat files browser tests SKIPPED: ${browserMissing}`);

const picture = (r: number, g: number, b: number) =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

describe("a chat's files and the image viewer in a browser", { skip: browserMissing }, () => {
  let h: WebHarness;
  let group = "";
  const seqs = new Map<string, number>();
  let n = 0;

  /** `from` uploads `bytes` as `name` and shares it in `conversationId`. */
  const share = async (from: string, conversationId: string, name: string, bytes: Buffer) => {
    const user = `${from}@${h.domain}`;
    const files = h.server.core.files;
    assert.ok(files);
    const f = await files.upload(user, name, bytes);
    const ack = await h.server.core.send(
      user,
      create(SendMessageSchema, {
        conversationId,
        clientMsgId: `file-${++n}`,
        content: { attachments: [{ fileId: f.id }] },
      }),
    );
    seqs.set(name, Number(ack.seq));
  };
  const say = (from: string, conversationId: string, text: string) =>
    h.server.core.send(
      `${from}@${h.domain}`,
      create(SendMessageSchema, { conversationId, clientMsgId: `text-${++n}`, content: { text } }),
    );

  before(async () => {
    h = await WebHarness.start();
    await h.users(["alice", "Alice Wang"], ["bob", "Bob Li"], ["carol", "Carol"], ["dave", "Dave"]);
    const d = h.domain;
    group = (await h.server.core.groups.create({ userId: `alice@${d}` }, "Design", [`bob@${d}`])).id;
    await share("alice", group, "plan.pdf", Buffer.from("%PDF-1.4 the plan ".repeat(200)));
    await share("bob", group, "notes.txt", Buffer.from("notes ".repeat(50)));
    await share("alice", group, "park.png", await picture(30, 140, 90));
    for (let i = 1; i <= 30; i++) await say(i % 2 ? "alice" : "bob", group, `between ${i}`);
    await share("bob", group, "lake.png", await picture(20, 80, 200));
    for (let i = 1; i <= 60; i++) await say(i % 2 ? "alice" : "bob", group, `later ${i}`);
    // Dave joins after everything was shared: as in history, he sees it all.
    await h.server.core.groups.addMembers({ userId: `alice@${d}` }, group, [`dave@${d}`]);
    // A 1:1 chat with two pictures for the viewer.
    const direct = (await h.send("carol", "alice", "two pictures")).conversationId;
    await share("carol", direct, "red.png", await picture(200, 30, 30));
    await share("carol", direct, "blue.png", await picture(30, 30, 200));
  });
  after(() => h.close());

  test("the list shows the chat's files newest first, and a file jumps to its message far back", async () => {
    const alice = await h.login("alice");
    await alice.getByTestId("conversation-Design").click();
    await alice.locator(".chat-header h2", { hasText: "Design" }).waitFor();
    const open = alice.getByRole("button", { name: "Files", exact: true });
    await open.click();
    const panel = alice.getByRole("complementary", { name: "Files and pictures in this chat" });
    const rows = panel.getByTestId("chat-file");
    await alice.waitForFunction(() => document.querySelectorAll("[data-testid=chat-file]").length === 4);
    assert.deepEqual(await rows.locator(".chat-file-name").allTextContents(), [
      "lake.png",
      "park.png",
      "notes.txt",
      "plan.pdf",
    ]);
    // A file shared while the list is open comes in at the top.
    await share("bob", group, "new.txt", Buffer.from("just shared"));
    await panel.locator(".chat-file-name").first().filter({ hasText: "new.txt" }).waitFor();
    assert.equal(await rows.count(), 5);
    const meta = (await rows.locator(".chat-file-meta").allTextContents()).slice(1);
    assert.match(meta[0] ?? "", /KB · Bob Li · /);
    assert.match(meta[1] ?? "", / · You · /);
    assert.match(meta[3] ?? "", /^\d+ KB · You · /);
    // Pictures show their thumbnails; every row can be downloaded.
    await alice.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>(".chat-file-icon img")];
      return imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    });
    // A download is a link once its signed address is in.
    await alice.waitForFunction(() => document.querySelectorAll(".chat-file-actions a[href]").length === 5);
    assert.equal(await panel.getByRole("link", { name: /^Download: / }).count(), 5);
    const href = (await panel.getByRole("link", { name: "Download: notes.txt" }).getAttribute("href")) ?? "";
    const got = await fetch(new URL(href, h.base));
    assert.equal(await got.text(), "notes ".repeat(50));
    await h.shot(alice, "chat-files");
    await expectAccessible(alice, "a chat's file list");

    // plan.pdf was shared before 90 later messages: the chat opens at it.
    const planSeq = seqs.get("plan.pdf");
    assert.equal(await alice.locator(`li.message[data-seq="${planSeq}"]`).count(), 0, "not loaded before");
    await panel.getByRole("button", { name: "Show in chat: plan.pdf" }).click();
    const focused = alice.locator(`li.message.focused[data-seq="${planSeq}"]`);
    await focused.waitFor();
    assert.match((await focused.textContent()) ?? "", /plan\.pdf/);

    // Escape closes the list and focus goes back to its button.
    await alice.getByRole("button", { name: "Files", exact: true }).click();
    await panel.waitFor();
    await alice.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    assert.equal(await alice.evaluate(() => document.activeElement?.textContent), "Files");
    await alice.context().close();
  });

  test("a member who joined later sees the same list, in Chinese", async () => {
    const dave = await h.login("dave", { locale: "zh-CN" });
    await dave.getByTestId("conversation-Design").click();
    await dave.getByRole("button", { name: "文件", exact: true }).click();
    const panel = dave.getByRole("complementary", { name: "本会话的文件和图片" });
    await dave.waitForFunction(() => document.querySelectorAll("[data-testid=chat-file]").length === 5);
    assert.deepEqual(await panel.locator(".chat-file-name").allTextContents(), [
      "new.txt",
      "lake.png",
      "park.png",
      "notes.txt",
      "plan.pdf",
    ]);
    assert.match((await panel.locator(".chat-file-meta").first().textContent()) ?? "", /Bob Li/);
    await h.shot(dave, "chat-files-zh");
    await expectAccessible(dave, "a chat's file list in Chinese");
    await panel.getByRole("button", { name: "定位到聊天位置: notes.txt" }).click();
    await dave.locator(`li.message.focused[data-seq="${seqs.get("notes.txt")}"]`).waitFor();
    await dave.context().close();
  });

  test("the viewer zooms by keys, steps through the chat's pictures, and Escape gives focus back", async () => {
    const alice = await h.login("alice");
    const scripts: string[] = [];
    alice.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await alice.getByTestId("conversation-carol").click();
    const opener = alice.getByRole("button", { name: "Open the picture: red.png" });
    await opener.waitFor();
    assert.ok(!scripts.some((s) => s.includes("image-viewer")), "the viewer is not loaded with the app");
    await opener.click();
    const viewer = alice.getByRole("dialog", { name: "red.png" });
    await viewer.waitFor();
    assert.ok(
      scripts.some((s) => s.includes("image-viewer")),
      "loaded as its own chunk on opening",
    );
    const image = viewer.getByRole("img", { name: "red.png" });
    await image.waitFor();
    await viewer.getByText("1 of 2").waitFor();
    const scale = alice.locator(".viewer-scale");
    assert.equal(await scale.textContent(), "100%");

    await alice.keyboard.press("+");
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "150%");
    assert.match((await image.getAttribute("style")) ?? "", /scale\(1\.5\)/);
    await alice.keyboard.press("-");
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "100%");
    await viewer.getByRole("button", { name: "Zoom in" }).click();
    await viewer.getByRole("button", { name: "Zoom in" }).click();
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "225%");
    await alice.keyboard.press("0");
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "100%");
    // The wheel over the picture zooms too.
    const box = await viewer.getByTestId("viewer-stage").boundingBox();
    assert.ok(box);
    await alice.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await alice.mouse.wheel(0, -100);
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "120%");
    await h.shot(alice, "image-viewer");
    await expectAccessible(alice, "the image viewer");

    await alice.keyboard.press("ArrowRight");
    await alice.getByRole("dialog", { name: "blue.png" }).getByRole("img", { name: "blue.png" }).waitFor();
    await alice.getByText("2 of 2").waitFor();
    assert.equal(await scale.textContent(), "100%", "the next picture starts at its normal size");
    assert.equal(await alice.getByRole("button", { name: "Next picture" }).count(), 0);
    await alice.keyboard.press("ArrowLeft");
    await alice.getByRole("dialog", { name: "red.png" }).getByRole("img", { name: "red.png" }).waitFor();
    await alice.getByRole("button", { name: "Next picture" }).click();
    await alice.getByRole("dialog", { name: "blue.png" }).waitFor();
    assert.match(
      (await alice.getByRole("link", { name: "Download: blue.png" }).getAttribute("href")) ?? "",
      /\/api\/v1\/files\//,
    );

    await alice.keyboard.press("Escape");
    await alice.locator(".image-viewer").waitFor({ state: "detached" });
    assert.equal(
      await alice.evaluate(() => document.activeElement?.getAttribute("aria-label")),
      "Open the picture: red.png",
    );

    // On a touch screen: a pinch zooms, a swipe at normal size goes to the next picture.
    await opener.click();
    await viewer.getByRole("img", { name: "red.png" }).waitFor();
    const touch = (type: string, id: number, x: number, y: number) =>
      alice.getByTestId("viewer-stage").dispatchEvent(type, {
        pointerId: id,
        pointerType: "touch",
        isPrimary: id === 1,
        button: 0,
        clientX: x,
        clientY: y,
      });
    await touch("pointerdown", 1, 500, 300);
    await touch("pointerdown", 2, 600, 300);
    await touch("pointermove", 2, 700, 300);
    await touch("pointerup", 2, 700, 300);
    await touch("pointerup", 1, 500, 300);
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "200%");
    await alice.keyboard.press("0");
    await alice.waitForFunction(() => document.querySelector(".viewer-scale")?.textContent === "100%");
    await touch("pointerdown", 1, 700, 300);
    await touch("pointermove", 1, 550, 305);
    await touch("pointerup", 1, 450, 305);
    await alice.getByRole("dialog", { name: "blue.png" }).getByRole("img", { name: "blue.png" }).waitFor();
    await alice.keyboard.press("Escape");
    await alice.locator(".image-viewer").waitFor({ state: "detached" });

    // A click beside the picture closes it as well.
    await opener.click();
    await viewer.getByRole("img", { name: "red.png" }).waitFor();
    const stage = await viewer.getByTestId("viewer-stage").boundingBox();
    assert.ok(stage);
    await alice.mouse.click(stage.x + 10, stage.y + stage.height - 10);
    await alice.locator(".image-viewer").waitFor({ state: "detached" });
    await alice.context().close();
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, StarlingError } from "@starling/sdk";
import { poll } from "../../../server/test/helpers/poll.js";
import { stringsOf } from "../../src/i18n.js";
import type { Chat } from "../../src/stores/chat.js";
import { editErrorText } from "../../src/ui/recall-errors.js";
import { type OpenPair, openPair, type StoresHarness, until } from "./harness.js";

/** An edit window short enough to pass within a test, long enough to edit right after sending. */
const WINDOW_MS = 3000;

describe("edits and reactions in the message windows, against a real server", () => {
  let h: StoresHarness;
  let alice: Chat;
  let bob: Chat;
  let id = "";
  let sent: OpenPair["sent"];
  const find = (c: Chat, seq: bigint) => c.windows.messages(id).find((m) => m.seq === seq);

  before(async () => {
    ({ h, alice, bob, id, sent } = await openPair({ "limits.editWindowMs": WINDOW_MS }));
  });
  after(() => h.close());

  test("an edit and reactions change the loaded message in place, on both sides", async () => {
    const seq = await sent("teh plan");
    assert.equal(alice.session.editWindowMs, WINDOW_MS, "the window comes from the Welcome");
    await alice.windows.edit(id, seq, { text: "the plan" });
    await bob.windows.react(id, seq, "👍", true);
    await alice.windows.react(id, seq, "👍", true);
    for (const [who, c] of [
      ["alice", alice],
      ["bob", bob],
    ] as const) {
      await until(
        c.windows,
        () => find(c, seq)?.content?.text === "the plan" && find(c, seq)?.reactions[0]?.userIds.length === 2,
        `the edit and both reactions in ${who}'s window`,
      );
      const m = find(c, seq);
      assert.ok((m?.editedAt ?? 0n) > 0n, `${who} sees it edited`);
      assert.deepEqual(m?.reactions[0]?.userIds, [h.id("bob"), h.id("alice")]);
      assert.equal(c.windows.messages(id).filter((x) => x.seq === seq).length, 1, "no duplicate");
    }
    await bob.windows.react(id, seq, "👍", false);
    await until(
      alice.windows,
      () => find(alice, seq)?.reactions[0]?.userIds.length === 1,
      "bob's taken back",
    );
    assert.deepEqual(find(alice, seq)?.reactions[0]?.userIds, [h.id("alice")]);
  });

  test("an edit past the window is refused with its code, told in the user's language", async () => {
    const seq = await sent("too late to fix");
    const serverTime = Number(find(alice, seq)?.serverTime);
    await poll(
      () => Date.now(),
      (now) => now > serverTime + WINDOW_MS + 50,
      "the edit window to pass",
    );
    const late = await alice.windows.edit(id, seq, { text: "fixed" }).then(
      () => assert.fail("edited after the window"),
      (e: StarlingError) => e,
    );
    assert.equal(late.code, ErrorCode.EDIT_WINDOW_EXPIRED);
    assert.equal(editErrorText(late, stringsOf("zh")), "已超过可编辑的时间。");
    assert.equal(editErrorText(late, stringsOf("en")), "Too late to edit this message.");
    assert.equal(find(bob, seq)?.content?.text, "too late to fix");
    // An edit into @all by a plain member is refused as a send would be, and said so.
    const everyone = new StarlingError(
      ErrorCode.FORBIDDEN,
      "only the group's owner and admins may mention everyone",
      {
        details: { field: "content.mentions", reason: "mention_everyone" },
      },
    );
    assert.equal(editErrorText(everyone, stringsOf("zh")), "只有群主和管理员可以 @所有人。");
    assert.equal(
      editErrorText(new StarlingError(ErrorCode.FORBIDDEN, "no"), stringsOf("en")),
      "Only the sender can edit this message.",
    );
  });
});

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode, type StarlingError } from "@starling/sdk";
import { poll } from "../../../server/test/helpers/poll.js";
import { stringsOf } from "../../src/i18n.js";
import type { Chat } from "../../src/stores/chat.js";
import { recallErrorText } from "../../src/ui/recall-errors.js";
import { type OpenPair, openPair, type StoresHarness, until } from "./harness.js";

/** A recall window short enough to pass within a test, long enough to recall right after sending. */
const WINDOW_MS = 3000;

describe("recalls against a real server", () => {
  let h: StoresHarness;
  let alice: Chat;
  let bob: Chat;
  let id = "";
  let sent: OpenPair["sent"];
  const text = (c: Chat, seq: bigint) => c.windows.messages(id).find((m) => m.seq === seq);

  before(async () => {
    ({ h, alice, bob, id, sent } = await openPair({ "limits.recallWindowMs": WINDOW_MS }));
  });
  after(() => h.close());

  test("a recall shows at once in the sender's and the recipient's open window", async () => {
    const seq = await sent("oops, wrong chat");
    await alice.windows.recall(id, seq);
    for (const [who, c] of [
      ["alice", alice],
      ["bob", bob],
    ] as const) {
      await until(c.windows, () => text(c, seq)?.recalled !== undefined, `the recall in ${who}'s window`);
      const m = text(c, seq);
      assert.equal(m?.content, undefined, `${who} no longer has the text`);
      assert.equal(m?.recalled?.by, h.id("alice"));
      assert.equal(c.windows.messages(id).filter((x) => x.seq === seq).length, 1, "no duplicate");
    }
    // The list's preview says so too: the recall event is the chat's last message.
    assert.equal(bob.conversations.get(id)?.lastMessage?.event?.kind.case, "messageRecalled");
  });

  test("a refused recall rejects with the server's code, told in the user's language", async () => {
    const seq = await sent("recall me too late");
    // Bob may not recall Alice's message.
    const forbidden = await bob.windows.recall(id, seq).then(
      () => assert.fail("bob recalled alice's message"),
      (e: StarlingError) => e,
    );
    assert.equal(forbidden.code, ErrorCode.FORBIDDEN);
    assert.equal(recallErrorText(forbidden, stringsOf("zh")), "只有发送者或群管理员可以撤回这条消息。");

    const serverTime = Number(text(alice, seq)?.serverTime);
    await poll(
      () => Date.now(),
      (now) => now > serverTime + WINDOW_MS + 50,
      "the recall window to pass",
    );
    const late = await alice.windows.recall(id, seq).then(
      () => assert.fail("recalled after the window"),
      (e: StarlingError) => e,
    );
    assert.equal(late.code, ErrorCode.RECALL_WINDOW_EXPIRED);
    assert.doesNotMatch(recallErrorText(late, stringsOf("zh")), /[a-z]/i, "no English in the Chinese text");
    assert.match(recallErrorText(late, stringsOf("zh")), /超过可撤回的时间/);
    assert.match(recallErrorText(late, stringsOf("en")), /Too late to recall/);
    assert.equal(text(alice, seq)?.content?.text, "recall me too late", "the message stays");

    const again = await sent("recalled twice");
    await alice.windows.recall(id, again);
    const twice = await alice.windows.recall(id, again).then(
      () => assert.fail("recalled twice"),
      (e: StarlingError) => e,
    );
    assert.equal(recallErrorText(twice, stringsOf("en")), "This message was already recalled.");
    assert.equal(recallErrorText(new Error("socket hang up"), stringsOf("zh")), "撤回失败，请重试。");
  });
});

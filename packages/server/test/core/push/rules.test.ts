import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type PushLevel, pushLevel, type RecipientFacts } from "../../../src/core/push/rules.js";
import { notificationWording } from "../../../src/core/push/wording.js";

const base: RecipientFacts = {
  group: false,
  memberCount: 2,
  muted: false,
  mentioned: false,
  mentionsEveryone: false,
  active: false,
  doNotDisturb: false,
};
const rules = { mentionsOnlyAbove: 100 };
const level = (f: Partial<RecipientFacts>, r = rules): PushLevel => pushLevel({ ...base, ...f }, r);

describe("push rules", () => {
  test("an offline recipient is alerted; one active elsewhere or in do-not-disturb gets a quiet push", () => {
    assert.equal(level({}), "alert");
    assert.equal(level({ active: true }), "quiet");
    assert.equal(level({ doNotDisturb: true }), "quiet");
    assert.equal(level({ active: true, doNotDisturb: true, mentioned: true }), "quiet");
  });

  test("a muted conversation says nothing, except a mention of the recipient; @all does not break a mute", () => {
    assert.equal(level({ muted: true }), "none");
    assert.equal(level({ muted: true, mentioned: true }), "alert");
    assert.equal(level({ muted: true, group: true, mentionsEveryone: true }), "none");
    assert.equal(level({ muted: true, mentioned: true, doNotDisturb: true }), "quiet");
  });

  test("a group above the threshold notifies only mentions and @all; at it or with 0, every message", () => {
    const big = { group: true, memberCount: 101 };
    assert.equal(level(big), "none");
    assert.equal(level({ ...big, mentioned: true }), "alert");
    assert.equal(level({ ...big, mentionsEveryone: true }), "alert");
    assert.equal(level({ group: true, memberCount: 100 }), "alert");
    assert.equal(level(big, { mentionsOnlyAbove: 0 }), "alert");
    assert.equal(level({ memberCount: 101 }), "alert", "a 1:1 chat is never mentions-only");
  });
});

describe("notification wording", () => {
  test("the sender, the group and a count, in the device's language; never the text unless given", () => {
    assert.deepEqual(notificationWording({ locale: "en-US", senderName: "Alice", count: 1 }), {
      title: "Alice",
      body: "New message",
    });
    assert.deepEqual(
      notificationWording({ locale: "zh-CN", senderName: "王伟", groupName: "设计组", count: 9 }),
      { title: "设计组 · 王伟", body: "9 条新消息" },
    );
    assert.equal(notificationWording({ locale: "fr", senderName: "A", count: 3 }).body, "3 new messages");
  });

  test("a preview is the message's plain text, one line, cut to a lock screen's length", () => {
    const w = notificationWording({
      locale: "en",
      senderName: "Alice",
      count: 1,
      text: "**Lunch** at _noon_?\n- pizza\n- noodles",
    });
    assert.equal(w.body, "Lunch at noon? pizza · noodles");
    const long = notificationWording({ locale: "en", senderName: "A", count: 1, text: "字".repeat(500) });
    assert.equal([...long.body].length, 120);
    assert.ok(long.body.endsWith("…"));
    assert.equal(
      notificationWording({ locale: "en", senderName: "A", count: 2, text: "hi" }).body,
      "2 new messages",
      "a burst is counted, not previewed",
    );
  });
});

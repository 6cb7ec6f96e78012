import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  insertMention,
  type MentionCandidate,
  matchesMention,
  mentionAt,
  mentionsIn,
  shiftMentions,
} from "../src/ui/mentions.js";

const liu: MentionCandidate = { userId: "liuwei@example.com", name: "刘伟", keys: ["liuwei", "lw"] };
const shan: MentionCandidate = {
  userId: "stf@example.com",
  name: "单田芳",
  keys: ["shantianfang", "stf", "dantianfang", "dtf", "chantianfang", "ctf"],
};
const ann: MentionCandidate = { userId: "ann@example.com", name: "Ann Lee", keys: ["annlee", "al"] };

describe("mention suggestions", () => {
  test("found by 汉字, pinyin, initials, another reading, id and any word of a name", () => {
    for (const q of ["刘", "刘伟", "伟", "liu", "LiuW", "lw", "liuwei"]) assert.ok(matchesMention(q, liu), q);
    for (const q of ["单", "shan", "stf", "dan", "dtf", "chan"]) assert.ok(matchesMention(q, shan), q);
    for (const q of ["ann", "lee", "Lee", "al"]) assert.ok(matchesMention(q, ann), q);
    for (const q of ["王", "wang", "x", "eil"]) assert.ok(!matchesMention(q, liu), q);
    assert.ok(matchesMention("", liu), "a bare @ offers everyone");
  });

  test("the query is what follows an @ at a word start", () => {
    assert.deepEqual(mentionAt("hi @刘", 5), { at: 3, prefix: "刘" });
    assert.deepEqual(mentionAt("@", 1), { at: 0, prefix: "" });
    assert.equal(mentionAt("mail@host", 9), undefined);
  });
});

describe("mentions while the text is edited", () => {
  const start = "x @刘伟 and @单田芳 y";
  const mentions = [
    { userId: liu.userId, offset: 2, length: 3 },
    { userId: shan.userId, offset: 10, length: 4 },
  ];

  test("inserting a name makes its mention", () => {
    const done = insertMention("hi @liu", 7, { at: 3, prefix: "liu" }, liu.userId, liu.name);
    assert.equal(done.text, "hi @刘伟 ");
    assert.deepEqual(done.mention, { userId: liu.userId, offset: 3, length: 3 });
    assert.equal(done.caret, 7);
  });

  test("text typed before a mention moves it; after it leaves it", () => {
    const before = shiftMentions(start, `hello ${start}`, mentions);
    assert.deepEqual(
      before.map((m) => m.offset),
      [8, 16],
    );
    const after = shiftMentions(start, `${start}!!`, mentions);
    assert.deepEqual(after, mentions);
    const between = shiftMentions(start, "x @刘伟 or @单田芳 y", mentions);
    assert.deepEqual(
      between.map((m) => m.offset),
      [2, 9],
    );
  });

  test("an edit cutting into a mention ends it; the others stay", () => {
    const cut = shiftMentions(start, "x @刘 and @单田芳 y", mentions);
    assert.deepEqual(cut, [{ userId: shan.userId, offset: 9, length: 4 }]);
    assert.deepEqual(shiftMentions(start, "", mentions), []);
  });

  test("the mentions sent follow the trimmed text", () => {
    // Two edits, one at each end, as typed.
    const text = `  ${start}  `;
    const moved = shiftMentions(`  ${start}`, text, shiftMentions(start, `  ${start}`, mentions));
    const body = text.trim();
    assert.deepEqual(mentionsIn(body, text.length - text.trimStart().length, moved), mentions);
    for (const m of mentionsIn(body, 2, moved)) assert.equal(body[m.offset], "@");
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { nameKeys, nameReadings, READING_LIMITS } from "../../src/core/directory/pinyin.js";

const pinyins = (name: string, person = true) => nameReadings(name, person).map((r) => r.pinyin);
const initials = (name: string, person = true) => nameReadings(name, person).map((r) => r.initials);

describe("pinyin readings of names", () => {
  test("the name's own reading comes first and is the stored one", () => {
    for (const [name, person] of [
      ["曾重庆", true],
      ["单田芳", true],
      ["重庆研发部", false],
      ["Alice 王", true],
      ["张三", true],
    ] as const)
      assert.deepEqual(nameReadings(name, person)[0], nameKeys(name, person), name);
  });

  test("a polyphonic given name is read in its word too: 曾重庆 is zengchongqing as well", () => {
    const p = pinyins("曾重庆");
    assert.equal(p[0], "zengzhongqing");
    assert.ok(p.includes("zengchongqing"), p.join());
    assert.ok(initials("曾重庆").includes("zcq"));
  });

  test("a surname keeps its surname reading first, its other readings after", () => {
    assert.equal(pinyins("单田芳")[0], "shantianfang");
    assert.ok(pinyins("单田芳").includes("dantianfang"));
    assert.equal(pinyins("曾重庆")[0]?.slice(0, 4), "zeng");
    assert.ok(pinyins("曾重庆").some((p) => p.startsWith("ceng")));
  });

  test("departments and groups are read as words, with the other readings after", () => {
    assert.deepEqual(pinyins("重庆研发部", false), ["chongqingyanfabu", "zhongqingyanfabu"]);
    assert.deepEqual(initials("重庆研发部", false), ["cqyfb", "zqyfb"]);
    assert.ok(pinyins("行政部", false).includes("xingzhengbu"));
  });

  test("names of one reading per character, and names without Han, have one reading", () => {
    assert.deepEqual(nameReadings("张三"), [{ pinyin: "zhangsan", initials: "zs" }]);
    assert.deepEqual(nameReadings("Alice 王"), [{ pinyin: "alicewang", initials: "aw" }]);
    assert.deepEqual(nameReadings("Bob Smith"), [{ pinyin: "bobsmith", initials: "bs" }]);
    const stored = { pinyin: "zhangsan", initials: "zs" };
    assert.equal(nameReadings("张三", true, stored)[0], stored, "a stored reading is used as is");
  });

  test("latin words inside a name stay whole in every reading", () => {
    for (const r of nameReadings("长乐 dev 组", false))
      assert.match(r.pinyin, /^(chang|zhang)(le|yue|yao)devzu$/);
  });

  test("the number of readings is bounded, closest to the name's own reading first", () => {
    const long = "乐".repeat(12);
    const r = nameReadings(long, false);
    assert.equal(r.length, READING_LIMITS.perName);
    assert.equal(new Set(r.map((x) => x.pinyin)).size, r.length, "distinct");
    assert.equal(r[0]?.pinyin, nameKeys(long, false).pinyin);
    // Readings differing from the name's own in one character come before those differing in two.
    assert.deepEqual(pinyins("曾重庆"), ["zengzhongqing", "zengchongqing", "cengzhongqing", "cengchongqing"]);
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { fallbackUtf8 } from "../src/index.js";

const { encodeUtf8, decodeUtf8 } = fallbackUtf8;
const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder();

test("the fallback codec agrees with the platform's on text of every length of sequence", () => {
  for (const text of [
    "",
    "hello",
    "é ß",
    "你好，世界",
    "👋🏽 家族 👨‍👩‍👧",
    "\u07ff\u0800\uffff",
    "\u{10ffff}",
  ]) {
    const bytes = encodeUtf8(text);
    assert.deepEqual(bytes, new TextEncoder().encode(text), text);
    assert.equal(decodeUtf8(bytes, true), text);
  }
  // A lone surrogate is encoded as U+FFFD, as TextEncoder does.
  assert.deepEqual(encodeUtf8("a\ud800b"), new TextEncoder().encode("a\ud800b"));
});

test("malformed UTF-8 is refused when strict, replaced otherwise", () => {
  const bad = [
    [0x80],
    [0xc0, 0xaf], // overlong "/"
    [0xe0, 0x80, 0xaf], // overlong
    [0xed, 0xa0, 0x80], // a surrogate
    [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
    [0xe4, 0xbd], // cut short
    [0x61, 0xff, 0x62],
  ];
  for (const seq of bad) {
    const bytes = Uint8Array.from(seq);
    assert.throws(() => strict.decode(bytes), `the platform refuses ${seq}`);
    assert.throws(() => decodeUtf8(bytes, true), TypeError, `refuses ${seq}`);
    assert.ok(decodeUtf8(bytes, false).includes("\ufffd"), `replaces ${seq}`);
  }
  assert.equal(
    decodeUtf8(Uint8Array.from([0x61, 0xff, 0x62]), false),
    lenient.decode(Uint8Array.from([0x61, 0xff, 0x62])),
  );
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { snippet } from "../../src/core/search/snippet.js";
import {
  conversationToken,
  fts5Query,
  indexTokens,
  queryTerms,
  tsQuery,
  tsVector,
} from "../../src/core/search/tokens.js";

describe("search tokens", () => {
  test("Chinese runs become overlapping pairs and their last character; words stay whole", () => {
    assert.deepEqual(indexTokens("我们的即时通讯"), ["我们", "们的", "的即", "即时", "时通", "通讯", "讯"]);
    assert.deepEqual(indexTokens("用Starling发消息!"), ["用", "starling", "发消", "消息", "息"]);
    assert.deepEqual(
      indexTokens("Ｓｔａｒ-Ling v2.0"),
      ["star", "ling", "v2", "0"],
      "NFKC, lower case, split",
    );
    assert.deepEqual(indexTokens("  ,,, "), []);
  });

  test("queries: phrases of pairs, single characters and words as prefixes, one letter exact", () => {
    assert.deepEqual(queryTerms("即时通讯 Deploy 讯 a"), [
      { kind: "phrase", tokens: ["即时", "时通", "通讯"], surface: "即时通讯" },
      { kind: "prefix", token: "deploy", surface: "deploy", wordStart: true },
      { kind: "prefix", token: "讯", surface: "讯", wordStart: false },
      { kind: "exact", token: "a", surface: "a" },
    ]);
    assert.equal(queryTerms("'\" OR 1=1 --").length, 3, "punctuation is never part of a term");
    assert.equal(queryTerms("a b c d e f g h i j k").length, 8, "at most 8 terms");
  });

  test("FTS5 and tsquery forms quote every token", () => {
    const terms = queryTerms("即时通讯 star");
    assert.equal(fts5Query(terms), '"即时 时通 通讯" AND "star"*');
    assert.equal(tsQuery(terms), "('即时' <-> '时通' <-> '通讯') & 'star':*");
    assert.equal(tsVector(["a", "b'c"]), "'a':1 'b''c':2");
    assert.equal(conversationToken("d:a@x|b@x"), "zc643a6140787c624078");
    assert.equal(fts5Query(queryTerms("star"), ["g:1", "g:2"]), '"star"* AND ("zc673a31" OR "zc673a32")');
    assert.equal(tsQuery(queryTerms("star"), ["g:1"]), "'star':* & ('zc673a31')");
  });

  test("snippets cut around the first match and mark every match", () => {
    const s = snippet("我们的即时通讯系统很好用", queryTerms("即时通讯"));
    assert.deepEqual(s, { text: "我们的即时通讯系统很好用", highlights: [{ offset: 3, length: 4 }] });
    const long = `${"x".repeat(200)} deployment done, deploy again ${"y".repeat(200)}`;
    const cut = snippet(long, queryTerms("deploy"));
    assert.ok(cut.text.startsWith("…") && cut.text.endsWith("…"));
    assert.deepEqual(
      cut.highlights.map((h) => cut.text.slice(h.offset, h.offset + h.length)),
      ["deploy", "deploy"],
    );
    const word = snippet("redeploy deploy", queryTerms("deploy"));
    assert.deepEqual(word.highlights, [{ offset: 9, length: 6 }], "English prefixes start a word");
    const emoji = snippet(`${"😀".repeat(100)}即时`, queryTerms("即时"));
    assert.ok(!/^…?[\udc00-\udfff]/.test(emoji.text), "never starts inside a surrogate pair");
  });
});

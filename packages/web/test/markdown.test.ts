import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Block, type Inline, parseMessage, plainText, safeHref } from "@starling/sdk";
import { highlight } from "../src/ui/highlight.js";
import { hostileCode, hostileMarkdown } from "./helpers/hostile-text.js";

const inlineText = (n: Inline): string => ("children" in n ? n.children.map(inlineText).join("") : n.text);
const blockText = (b: Block): string =>
  b.t === "code"
    ? b.text
    : b.t === "list"
      ? b.items.map((item) => item.map(inlineText).join("")).join("")
      : b.children.map(inlineText).join("");
const alnum = (s: string): string => s.replace(/[^\p{L}\p{N}]/gu, "");

/** The inline parts of a one-paragraph message. */
function line(src: string, mentions: { offset: number; length: number }[] = []): Inline[] {
  const blocks = parseMessage(src, mentions);
  assert.equal(blocks.length, 1, `one block for ${JSON.stringify(src)}`);
  const b = blocks[0]!;
  assert.equal(b.t, "para");
  return (b as Extract<Block, { t: "para" }>).children;
}
const text = (text: string): Inline => ({ t: "text", text });
const links = (nodes: Inline[]): string[] =>
  nodes.flatMap((n) =>
    n.t === "link" ? [n.href] : n.t === "strong" || n.t === "em" || n.t === "del" ? links(n.children) : [],
  );

describe("the message markdown subset", () => {
  test("bold, italics, strike and inline code", () => {
    assert.deepEqual(line("a **b** c"), [text("a "), { t: "strong", children: [text("b")] }, text(" c")]);
    assert.deepEqual(line("__b__ *i* _j_ ~~s~~ `x*y*`"), [
      { t: "strong", children: [text("b")] },
      text(" "),
      { t: "em", children: [text("i")] },
      text(" "),
      { t: "em", children: [text("j")] },
      text(" "),
      { t: "del", children: [text("s")] },
      text(" "),
      { t: "code", text: "x*y*" },
    ]);
    assert.deepEqual(line("**bold _and italic_**"), [
      { t: "strong", children: [text("bold "), { t: "em", children: [text("and italic")] }] },
    ]);
    assert.deepEqual(line("``a ` b``"), [{ t: "code", text: "a ` b" }]);
  });

  test("markers that do not make markup stay text", () => {
    for (const src of [
      "snake_case_name and file_name_",
      "2 * 3 * 4",
      "**",
      "a ** b ** c",
      "~one tilde~",
      "`unclosed code",
      "*unclosed **bold",
      "\\*not italic\\*",
    ]) {
      const parts = line(src);
      assert.ok(
        parts.every((p) => p.t === "text"),
        `${JSON.stringify(src)} → ${JSON.stringify(parts)}`,
      );
    }
    assert.deepEqual(line("\\*not italic\\*"), [text("*not italic*")]);
  });

  test("http, https and mailto links, without the punctuation around them", () => {
    assert.deepEqual(line("see https://example.com/a?b=1#c."), [
      text("see "),
      { t: "link", href: "https://example.com/a?b=1#c", text: "https://example.com/a?b=1#c" },
      text("."),
    ]);
    assert.deepEqual(links(line("(http://a.test/x) and http://w.test/wiki/A_(b)")), [
      "http://a.test/x",
      "http://w.test/wiki/A_(b)",
    ]);
    assert.deepEqual(links(line("看这个https://a.test/x，谢谢 https://例子.test")), ["https://a.test/x"]);
    assert.deepEqual(links(line("mail mailto:li.lei@acme.test!")), ["mailto:li.lei@acme.test"]);
    assert.deepEqual(links(line("**https://a.test/x**")), ["https://a.test/x"]);
    assert.deepEqual(links(line("https://a.test/_x_/y")), ["https://a.test/_x_/y"]);
  });

  test("hostile links stay text", () => {
    for (const src of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(document.cookie)",
      "[click](javascript:alert(1))",
      "<a href='javascript:alert(1)'>x</a>",
      "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
      "vbscript:msgbox(1)",
      "xhttps://a.test",
      "http://",
      "mailto:nobody",
      "file:///etc/passwd",
    ]) {
      assert.deepEqual(links(line(src)), [], src);
    }
    // A link's text is never HTML: what the parser gives is text the renderer escapes.
    assert.deepEqual(line("<img src=x onerror=alert(1)>"), [text("<img src=x onerror=alert(1)>")]);
    for (const href of ["javascript:alert(1)", "data:text/html,x", " javascript:x", "vbscript:x"])
      assert.equal(safeHref(href), undefined, href);
    assert.equal(safeHref("https://a.test/x"), "https://a.test/x");
    assert.equal(safeHref("mailto:a@b.test"), "mailto:a@b.test");
  });

  test("code blocks, quotes and lists", () => {
    const blocks = parseMessage(
      "look:\n```ts\nconst a = 1; // **not bold**\n```\n> quoted **b**\n> more\n- one\n- *two*\n3. three\n4. four\nend",
    );
    assert.deepEqual(blocks, [
      { t: "para", children: [text("look:")] },
      { t: "code", lang: "ts", text: "const a = 1; // **not bold**" },
      {
        t: "quote",
        children: [text("quoted "), { t: "strong", children: [text("b")] }, text("\nmore")],
      },
      { t: "list", ordered: false, start: 1, items: [[text("one")], [{ t: "em", children: [text("two")] }]] },
      { t: "list", ordered: true, start: 3, items: [[text("three")], [text("four")]] },
      { t: "para", children: [text("end")] },
    ]);
    // An unclosed fence runs to the end; lines within a paragraph keep their breaks.
    assert.deepEqual(parseMessage("```\nx\n\ny"), [{ t: "code", lang: "", text: "x\n\ny" }]);
    assert.deepEqual(parseMessage("a\n\nb\r\nc"), [{ t: "para", children: [text("a\n\nb\nc")] }]);
    assert.deepEqual(parseMessage(""), []);
  });

  test("mentions stay whole, whatever markers their names hold", () => {
    const src = "hi @li_lei_ and **@王 芳** _x_";
    const a = src.indexOf("@li");
    const b = src.indexOf("@王");
    assert.deepEqual(
      line(src, [
        { offset: a, length: "@li_lei_".length },
        { offset: b, length: "@王 芳".length },
        { offset: 999, length: 3 },
      ]),
      [
        text("hi "),
        { t: "mention", text: "@li_lei_" },
        text(" and "),
        { t: "strong", children: [{ t: "mention", text: "@王 芳" }] },
        text(" "),
        { t: "em", children: [text("x")] },
      ],
    );
  });

  test("hostile input loses no letter or digit", () => {
    // How the cost grows with such input is measured in `npm run bench -- --scenario markdown`.
    for (const src of hostileMarkdown(100_000)) {
      const blocks = parseMessage(src, [{ offset: 0, length: 3 }]);
      assert.equal(alnum(blocks.map(blockText).join("")), alnum(src), `${JSON.stringify(src.slice(0, 24))}…`);
    }
  });

  test("nesting is bounded, deep markers stay text", () => {
    const deep = `${"**".repeat(50)}x${"**".repeat(50)}`;
    let depth = 0;
    let nodes = line(deep);
    while (nodes.some((x) => x.t === "strong")) {
      depth++;
      nodes = nodes.flatMap((x) => (x.t === "strong" ? x.children : []));
    }
    assert.ok(depth <= 4, `depth ${depth}`);
  });
});

describe("the code highlighter", () => {
  test("keywords, strings, numbers and comments", () => {
    const kinds = (code: string, lang: string) =>
      highlight(code, lang)
        .filter((t) => t.kind)
        .map((t) => `${t.kind}:${t.text}`);
    assert.deepEqual(kinds('const s = "a // b"; // note\nreturn 42;', "ts"), [
      "keyword:const",
      'string:"a // b"',
      "comment:// note",
      "keyword:return",
      "number:42",
    ]);
    assert.deepEqual(kinds("def f(): # hi\n  pass", "py"), ["keyword:def", "comment:# hi", "keyword:pass"]);
    assert.deepEqual(kinds("SELECT 1 -- x", "sql"), ["keyword:SELECT", "number:1", "comment:-- x"]);
    assert.equal(
      highlight("x = 'unclosed\n/* open", "js")
        .map((t) => t.text)
        .join(""),
      "x = 'unclosed\n/* open",
    );
  });

  test("hostile code is highlighted without loss", () => {
    for (const code of hostileCode(100_000)) {
      assert.equal(
        highlight(code, "js")
          .map((t) => t.text)
          .join(""),
        code,
      );
    }
  });
});

describe("the plain text of a message", () => {
  test("previews and notifications show words, not markup", () => {
    assert.equal(plainText("**Deploy** at _5pm_, see `make ship`"), "Deploy at 5pm, see make ship");
    assert.equal(plainText("> quoted\n- one\n- two\n```js\nlet x\n```"), "quoted one · two let x");
    assert.equal(plainText("[not a link](javascript:alert(1))"), "[not a link](javascript:alert(1))");
  });
});

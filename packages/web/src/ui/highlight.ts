/**
 * A small syntax highlighter for code blocks in messages: comments, strings,
 * numbers and keywords of the languages people paste most, by one linear
 * pass. Loaded on demand, the first time a code block is shown.
 */

export type TokenKind = "comment" | "string" | "number" | "keyword" | "";

export interface Token {
  kind: TokenKind;
  text: string;
}

const HASH_COMMENTS = new Set([
  "py",
  "python",
  "sh",
  "bash",
  "shell",
  "zsh",
  "yaml",
  "yml",
  "toml",
  "ini",
  "conf",
  "rb",
  "ruby",
  "perl",
  "r",
  "dockerfile",
  "makefile",
]);
const DASH_COMMENTS = new Set(["sql", "lua", "haskell", "hs"]);

const KEYWORDS = new Set(
  (
    "abstract and as async await break case catch class const continue def default defer del do elif else " +
    "enum except export extends false final finally fn for from func function go if impl implements import " +
    "in instanceof interface is let match mod module mut new nil none not null or package pass private " +
    "protected pub public raise return self select static struct super switch this throw throws trait true " +
    "try type typeof undefined use var void while with yield fi then esac done " +
    "insert update delete where into values create table alter drop join left right inner outer on group " +
    "order by having limit union distinct primary key references"
  ).split(" "),
);

/** One pattern per token kind, tried in order at each position (all sticky, none backtracks far). */
function patterns(lang: string): [TokenKind, RegExp][] {
  const comments: RegExp[] = HASH_COMMENTS.has(lang)
    ? [/#[^\n]*/y]
    : DASH_COMMENTS.has(lang)
      ? [/--[^\n]*/y, /\/\*[\s\S]*?(?:\*\/|$)/y]
      : [/\/\/[^\n]*/y, /\/\*[\s\S]*?(?:\*\/|$)/y];
  return [
    ...comments.map((r): [TokenKind, RegExp] => ["comment", r]),
    ["string", /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`(?:[^`\\]|\\[\s\S])*`?/y],
    ["number", /\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\b|\b0[xX][\dA-Fa-f]+\b/y],
    ["keyword", /[A-Za-z_$][\w$]*/y],
  ];
}

/** `code` as tokens; a token with no kind is plain text. */
export function highlight(code: string, lang: string): Token[] {
  const ps = patterns(lang.toLowerCase());
  const sql = lang.toLowerCase() === "sql";
  const out: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  while (i < code.length) {
    let matched = false;
    for (const [kind, re] of ps) {
      re.lastIndex = i;
      const m = re.exec(code);
      if (!m || m[0].length === 0) continue;
      const word = m[0];
      if (kind === "keyword") {
        push(KEYWORDS.has(sql ? word.toLowerCase() : word) ? "keyword" : "", word);
      } else push(kind, word);
      i += word.length;
      matched = true;
      break;
    }
    if (!matched) {
      push("", code[i]!);
      i++;
    }
  }
  return out;
}

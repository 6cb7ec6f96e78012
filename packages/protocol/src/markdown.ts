/**
 * The markdown subset messages are written in, parsed into a tree that clients
 * render as their own elements (never as HTML) and the server flattens into a
 * notification's text: **bold** / __bold__,
 * *italics* / _italics_, ~~strike~~, `inline code`, fenced code blocks with a
 * language, "> " quotes, "- " / "1. " lists, and bare http(s) and mailto links.
 * The stored text stays this source; XMPP and the CLI show it as it is.
 *
 * Every step is linear in the text: emphasis stays within a line, nests at
 * most MAX_DEPTH deep, and a marker with no closer is remembered as such so a
 * line of a thousand unclosed markers is scanned once, not a thousand times.
 */

export type Inline =
  | { t: "text"; text: string }
  | { t: "mention"; text: string }
  | { t: "code"; text: string }
  | { t: "link"; href: string; text: string }
  | { t: "strong" | "em" | "del"; children: Inline[] };

export type Block =
  | { t: "para"; children: Inline[] }
  | { t: "code"; lang: string; text: string }
  | { t: "quote"; children: Inline[] }
  | { t: "list"; ordered: boolean; start: number; items: Inline[][] };

/** A span of the source (a mention), in UTF-16 code units. */
export interface Span {
  offset: number;
  length: number;
}

const MAX_DEPTH = 4;
/** The schemes a link may have; anything else (javascript:, data:, …) stays text. */
export const LINK_SCHEMES: readonly string[] = ["http:", "https:", "mailto:"];

interface Context {
  src: string;
  /** Where each mention starts → where it ends. */
  mentions: Map<number, number>;
}

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const URL_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
const TRAILING = /[.,;:!?'"*_~]/;
const ESCAPABLE = "\\`*_~>#-+.![]()";

function pushText(out: Inline[], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.t === "text") last.text += text;
  else out.push({ t: "text", text });
}

function runLength(src: string, at: number, to: number): number {
  let n = 0;
  while (at + n < to && src[at + n] === src[at]) n++;
  return n;
}

const MAILTO = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/y;

/** The link starting at `at` (not inside a Latin word), as the end of its text, or -1. */
function linkEnd(src: string, at: number, to: number): number {
  if (/[A-Za-z0-9]/.test(src[at - 1] ?? "")) return -1;
  const head = src.slice(at, at + 8).toLowerCase();
  if (head.startsWith("mailto:")) {
    MAILTO.lastIndex = at + 7;
    const m = MAILTO.exec(src);
    const end = m ? at + 7 + m[0].length : -1;
    return end <= to ? end : -1;
  }
  const scheme = head.startsWith("https://") ? 8 : head.startsWith("http://") ? 7 : 0;
  if (!scheme || at + scheme >= to || !/[A-Za-z0-9]/.test(src[at + scheme]!)) return -1;
  let end = at + scheme;
  let open = 0;
  let close = 0;
  for (; end < to && URL_CHAR.test(src[end]!); end++) {
    if (src[end] === "(") open++;
    else if (src[end] === ")") close++;
  }
  // Trailing punctuation belongs to the sentence, and a ")" to it unless the link opened one.
  for (;;) {
    const c = src[end - 1]!;
    if (TRAILING.test(c)) end--;
    else if (c === ")" && close > open) {
      end--;
      close--;
    } else return end;
  }
}

/** A `` ` `` run's closers, found once per parse of a range, consumed left to right. */
class CodeRuns {
  private readonly byLength = new Map<number, number[]>();
  private readonly cursor = new Map<number, number>();
  constructor(src: string, from: number, to: number) {
    for (let i = from; i < to; ) {
      if (src[i] !== "`") {
        i++;
        continue;
      }
      const n = runLength(src, i, to);
      const list = this.byLength.get(n) ?? [];
      list.push(i);
      this.byLength.set(n, list);
      i += n;
    }
  }
  /** The first run of exactly `n` backticks after `after`, or -1. */
  next(n: number, after: number): number {
    const list = this.byLength.get(n) ?? [];
    let k = this.cursor.get(n) ?? 0;
    while (k < list.length && list[k]! <= after) k++;
    this.cursor.set(n, k);
    return k < list.length ? list[k]! : -1;
  }
}

/** Where an emphasis marker `mark` opened before `from` closes, before `to`, or -1. */
function closerOf(src: string, mark: string, from: number, to: number): number {
  const c = mark[0]!;
  for (let j = from; j < to; ) {
    if (src[j] !== c) {
      j++;
      continue;
    }
    const run = runLength(src, j, to);
    const at = mark.length === 1 ? (run === 1 ? j : -1) : run >= 2 ? j + run - 2 : -1;
    if (
      at > from &&
      !isSpace(src[at - 1]) &&
      !(c === "_" && isWordChar(src[at + mark.length])) &&
      at + mark.length <= to
    )
      return at;
    j += run;
  }
  return -1;
}

function parseInline(ctx: Context, from: number, to: number, depth: number): Inline[] {
  const { src } = ctx;
  const out: Inline[] = [];
  const unclosed = new Set<string>();
  let codeRuns: CodeRuns | undefined;
  let text = from;
  let i = from;
  const flush = (end: number) => {
    pushText(out, src.slice(text, end));
  };
  while (i < to) {
    const mention = ctx.mentions.get(i);
    if (mention !== undefined && mention <= to) {
      flush(i);
      out.push({ t: "mention", text: src.slice(i, mention) });
      i = text = mention;
      continue;
    }
    const c = src[i]!;
    if (c === "\\" && i + 1 < to && ESCAPABLE.includes(src[i + 1]!)) {
      flush(i);
      pushText(out, src[i + 1]!);
      i += 2;
      text = i;
      continue;
    }
    if (c === "`") {
      const n = runLength(src, i, to);
      codeRuns ??= new CodeRuns(src, i, to);
      const close = codeRuns.next(n, i);
      if (close < 0) {
        i += n;
        continue;
      }
      flush(i);
      out.push({ t: "code", text: src.slice(i + n, close) });
      i = text = close + n;
      continue;
    }
    if (c === "*" || c === "_" || c === "~") {
      const run = runLength(src, i, to);
      const mark = c === "~" ? (run >= 2 ? "~~" : "") : run >= 2 ? c + c : c;
      const opens =
        mark &&
        depth < MAX_DEPTH &&
        !unclosed.has(mark) &&
        !isSpace(src[i + mark.length]) &&
        !(c === "_" && isWordChar(src[i - 1]));
      if (opens) {
        const close = closerOf(src, mark, i + mark.length, to);
        if (close >= 0) {
          flush(i);
          const t = c === "~" ? "del" : mark.length === 2 ? "strong" : "em";
          out.push({ t, children: parseInline(ctx, i + mark.length, close, depth + 1) });
          i = text = close + mark.length;
          continue;
        }
        unclosed.add(mark);
      }
      i += run;
      continue;
    }
    if (c === "h" || c === "H" || c === "m" || c === "M") {
      const end = linkEnd(src, i, to);
      if (end > 0) {
        flush(i);
        const href = src.slice(i, end);
        out.push({ t: "link", href, text: href });
        i = text = end;
        continue;
      }
    }
    i++;
  }
  flush(to);
  return out;
}

interface Line {
  start: number;
  end: number;
}

function fence(src: string, l: Line): { mark: string; lang: string } | undefined {
  const s = src.slice(l.start, l.end);
  const indent = s.length - s.trimStart().length;
  if (indent > 3) return undefined;
  const body = s.trim();
  const c = body[0];
  if (c !== "`" && c !== "~") return undefined;
  const n = runLength(body, 0, body.length);
  if (n < 3) return undefined;
  const lang = body.slice(n).trim();
  if (!/^[\w+#.-]{0,20}$/.test(lang)) return undefined;
  return { mark: body.slice(0, n), lang };
}

const QUOTE = /^ {0,3}> ?/;
const BULLET = /^ {0,3}[-*+] +/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)] +/;

/** A message's text as blocks; `mentions` are kept whole, never split by markup. */
export function parseMessage(src: string, mentions: readonly Span[] = []): Block[] {
  const ctx: Context = { src, mentions: new Map() };
  let last = 0;
  for (const m of [...mentions].sort((a, b) => a.offset - b.offset)) {
    if (m.offset < last || m.length <= 0 || m.offset + m.length > src.length) continue;
    ctx.mentions.set(m.offset, m.offset + m.length);
    last = m.offset + m.length;
  }
  const lines: Line[] = [];
  for (let start = 0; start <= src.length; ) {
    let end = src.indexOf("\n", start);
    if (end < 0) end = src.length;
    lines.push({ start, end: src[end - 1] === "\r" ? end - 1 : end });
    start = end + 1;
  }
  const inline = (start: number, end: number) => parseInline(ctx, start, end, 0);
  const joined = (ls: Line[], skip: (l: Line) => number) => {
    const out: Inline[] = [];
    ls.forEach((l, k) => {
      if (k > 0) pushText(out, "\n");
      for (const x of inline(l.start + skip(l), l.end)) {
        if (x.t === "text") pushText(out, x.text);
        else out.push(x);
      }
    });
    return out;
  };
  const blocks: Block[] = [];
  let para: Line[] = [];
  const endPara = () => {
    const blank = (l: Line) => src.slice(l.start, l.end).trim() === "";
    while (para.length && blank(para[0]!)) para.shift();
    while (para.length && blank(para[para.length - 1]!)) para.pop();
    if (para.length) blocks.push({ t: "para", children: joined(para, () => 0) });
    para = [];
  };
  const lineOf = (l: Line) => src.slice(l.start, l.end);
  for (let k = 0; k < lines.length; ) {
    const l = lines[k]!;
    const text = lineOf(l);
    const f = fence(src, l);
    if (f) {
      endPara();
      const body: string[] = [];
      k++;
      while (k < lines.length) {
        const g = fence(src, lines[k]!);
        k++;
        if (g && !g.lang && g.mark[0] === f.mark[0] && g.mark.length >= f.mark.length) break;
        body.push(lineOf(lines[k - 1]!));
      }
      blocks.push({ t: "code", lang: f.lang.toLowerCase(), text: body.join("\n") });
      continue;
    }
    if (QUOTE.test(text)) {
      endPara();
      const ls: Line[] = [];
      while (k < lines.length && QUOTE.test(lineOf(lines[k]!))) ls.push(lines[k++]!);
      blocks.push({ t: "quote", children: joined(ls, (x) => QUOTE.exec(lineOf(x))![0].length) });
      continue;
    }
    const bullet = BULLET.exec(text);
    const numbered = bullet ? null : NUMBERED.exec(text);
    if (bullet || numbered) {
      endPara();
      const ordered = !bullet;
      const re = ordered ? NUMBERED : BULLET;
      const items: Inline[][] = [];
      for (let m = re.exec(text); m && k < lines.length; ) {
        const x = lines[k]!;
        items.push(inline(x.start + m[0].length, x.end));
        k++;
        m = k < lines.length ? re.exec(lineOf(lines[k]!)) : null;
      }
      blocks.push({ t: "list", ordered, start: numbered ? Number(numbered[1]) : 1, items });
      continue;
    }
    para.push(l);
    k++;
  }
  endPara();
  return blocks;
}

/** `href` if it is a link the client may open (http, https or mailto), else undefined. */
export function safeHref(href: string): string | undefined {
  try {
    const u = new URL(href);
    return LINK_SCHEMES.includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const inline = (n: Inline): string => ("children" in n ? n.children.map(inline).join("") : n.text);

function block(b: Block): string {
  if (b.t === "code") return b.text;
  if (b.t === "list") return b.items.map((item) => item.map(inline).join("")).join(" · ");
  return b.children.map(inline).join("");
}

/** A message's markdown as the words a reader sees, one line: for previews and notifications. */
export function plainText(src: string): string {
  return parseMessage(src).map(block).join(" ").replace(/\s+/g, " ").trim();
}

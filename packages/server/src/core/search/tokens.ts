/**
 * Search tokens, the same on every store. Text is NFKC-normalised and
 * lower-cased; runs of letters and digits in space-separated scripts become
 * one token per word, and runs of Chinese, Japanese or Korean characters
 * (written without spaces) become overlapping character pairs plus the run's
 * last character, so any substring of two or more characters is a phrase of
 * pairs and a single character is a prefix. "我们的即时通讯" gives
 * 我们 们的 的即 即时 时通 通讯 讯; the query 即时通讯 is the phrase 即时 时通 通讯.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;
/** Longest word kept, in code points; longer ones are cut (and still match by prefix). */
const MAX_WORD = 40;
/** Tokens kept from one text (PostgreSQL positions stop at 16,383). */
export const MAX_TOKENS = 16_000;
/** Terms kept from one query. */
export const MAX_TERMS = 8;

type Run = { cjk: boolean; chars: string[] };

function runs(text: string): Run[] {
  const out: Run[] = [];
  let cur: Run | undefined;
  for (const ch of text.normalize("NFKC").toLowerCase()) {
    const cjk = CJK.test(ch);
    if (!cjk && !WORD.test(ch)) {
      cur = undefined;
      continue;
    }
    if (!cur || cur.cjk !== cjk) {
      cur = { cjk, chars: [] };
      out.push(cur);
    }
    cur.chars.push(ch);
  }
  return out;
}

/** The tokens of a text to index, in order (their positions matter for phrases). */
export function indexTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const run of runs(text)) {
    if (run.cjk) {
      for (let i = 0; i + 1 < run.chars.length; i++) tokens.push(`${run.chars[i]}${run.chars[i + 1]}`);
      tokens.push(run.chars[run.chars.length - 1] as string);
    } else {
      tokens.push(run.chars.slice(0, MAX_WORD).join(""));
    }
    if (tokens.length >= MAX_TOKENS) return tokens.slice(0, MAX_TOKENS);
  }
  return tokens;
}

/** One thing a result must contain: adjacent tokens, or a token's start. */
export type QueryTerm =
  | { kind: "phrase"; tokens: string[]; surface: string }
  | { kind: "prefix"; token: string; surface: string; wordStart: boolean }
  | { kind: "exact"; token: string; surface: string };

/** The terms of a query; all must match. Empty when the query has nothing searchable. */
export function queryTerms(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  for (const run of runs(query)) {
    const surface = run.chars.join("");
    if (run.cjk && run.chars.length > 1) {
      const pairs: string[] = [];
      for (let i = 0; i + 1 < run.chars.length; i++) pairs.push(`${run.chars[i]}${run.chars[i + 1]}`);
      terms.push({ kind: "phrase", tokens: pairs, surface });
    } else if (run.cjk) {
      terms.push({ kind: "prefix", token: surface, surface, wordStart: false });
    } else if (run.chars.length === 1) {
      terms.push({ kind: "exact", token: surface, surface });
    } else {
      const word = run.chars.slice(0, MAX_WORD).join("");
      terms.push({ kind: "prefix", token: word, surface: word, wordStart: true });
    }
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/**
 * The token every indexed message of a conversation carries besides its
 * words ("zc" and the id's UTF-8 bytes in hex), so a search can be narrowed
 * to a few conversations inside the index instead of after it.
 */
export function conversationToken(conversationId: string): string {
  return `zc${Buffer.from(conversationId, "utf8").toString("hex")}`;
}

/**
 * An FTS5 MATCH expression for the terms (tokens never hold quotes or
 * spaces), narrowed to the conversations if any are given.
 */
export function fts5Query(terms: readonly QueryTerm[], conversations: readonly string[] = []): string {
  const words = terms.map((t) =>
    t.kind === "phrase" ? `"${t.tokens.join(" ")}"` : t.kind === "prefix" ? `"${t.token}"*` : `"${t.token}"`,
  );
  if (conversations.length > 0)
    words.push(`(${conversations.map((c) => `"${conversationToken(c)}"`).join(" OR ")})`);
  return words.join(" AND ");
}

const lexeme = (t: string) => `'${t.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/** A PostgreSQL tsquery literal for the terms. */
export function tsQuery(terms: readonly QueryTerm[], conversations: readonly string[] = []): string {
  const words = terms.map((t) =>
    t.kind === "phrase"
      ? `(${t.tokens.map(lexeme).join(" <-> ")})`
      : t.kind === "prefix"
        ? `${lexeme(t.token)}:*`
        : lexeme(t.token),
  );
  if (conversations.length > 0)
    words.push(`(${conversations.map((c) => lexeme(conversationToken(c))).join(" | ")})`);
  return words.join(" & ");
}

/** A PostgreSQL tsvector literal for indexed tokens, with their positions. */
export function tsVector(tokens: readonly string[]): string {
  return tokens.map((t, i) => `${lexeme(t)}:${Math.min(i + 1, 16_383)}`).join(" ");
}

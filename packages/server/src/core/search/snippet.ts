import type { QueryTerm } from "./tokens.js";

export interface Snippet {
  text: string;
  /** Matched parts, in UTF-16 code units of `text`, in order and not overlapping. */
  highlights: { offset: number; length: number }[];
}

const WORD = /[\p{L}\p{N}]/u;

function isWordAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && WORD.test(text[i] as string);
}

/** Where the terms occur in the text, merged; case is ignored where lower-casing keeps lengths. */
export function matches(text: string, terms: readonly QueryTerm[]): { start: number; end: number }[] {
  const lower = text.toLowerCase();
  const hay = lower.length === text.length ? lower : text;
  const found: { start: number; end: number }[] = [];
  for (const t of terms) {
    const needle = t.surface;
    if (needle.length === 0) continue;
    for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) {
      const end = i + needle.length;
      if (t.kind === "prefix" && t.wordStart && isWordAt(hay, i - 1)) continue;
      if (t.kind === "exact" && (isWordAt(hay, i - 1) || isWordAt(hay, end))) continue;
      found.push({ start: i, end });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number }[] = [];
  for (const f of found) {
    const last = merged[merged.length - 1];
    if (last && f.start <= last.end) last.end = Math.max(last.end, f.end);
    else merged.push({ ...f });
  }
  return merged;
}

/** Moves an index off the second half of a surrogate pair. */
function clampPair(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

/**
 * A window of about `width` code units around the first match, with "…"
 * where text was cut, and the matches inside it highlighted.
 */
export function snippet(text: string, terms: readonly QueryTerm[], width = 120): Snippet {
  const hits = matches(text, terms);
  const first = hits[0]?.start ?? 0;
  let start =
    text.length <= width ? 0 : clampPair(text, Math.max(0, Math.min(first - 30, text.length - width)));
  if (start < 0) start = 0;
  let end = Math.min(text.length, start + width);
  if (end < text.length) end = clampPair(text, end);
  const head = start > 0 ? "…" : "";
  const tail = end < text.length ? "…" : "";
  const highlights = hits
    .filter((h) => h.start >= start && h.end <= end)
    .map((h) => ({ offset: h.start - start + head.length, length: h.end - h.start }));
  return { text: `${head}${text.slice(start, end)}${tail}`, highlights };
}

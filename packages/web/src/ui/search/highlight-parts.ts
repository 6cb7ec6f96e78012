/** A matched part of a text: `length` UTF-16 code units from `offset`. */
export interface TextRange {
  offset: number;
  length: number;
}

/** A run of a text starting at `offset`, marked when it is part of a match. */
export interface TextPart {
  text: string;
  offset: number;
  marked: boolean;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** `at` moved off the middle of a surrogate pair: back for a start, forward for an end. */
function snap(text: string, at: number, forward: boolean): number {
  if (at <= 0 || at >= text.length || !isLowSurrogate(text.charCodeAt(at))) return at;
  return forward ? at + 1 : at - 1;
}

/**
 * Splits `text` into plain and marked runs by `ranges` (UTF-16 offsets, in
 * any order). Ranges are clipped to the text, overlapping and touching ones
 * are joined, empty ones dropped, and a range never splits a surrogate pair.
 * The parts joined give back the text.
 */
export function highlightParts(text: string, ranges: readonly TextRange[]): TextPart[] {
  const clip = (n: number) => Math.min(Math.max(Math.trunc(Number.isFinite(n) ? n : 0), 0), text.length);
  const spans = ranges
    .map((r) => [snap(text, clip(r.offset), false), snap(text, clip(r.offset + r.length), true)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const joined: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = joined[joined.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else joined.push([start, end]);
  }
  const parts: TextPart[] = [];
  let at = 0;
  for (const [start, end] of joined) {
    if (start > at) parts.push({ text: text.slice(at, start), offset: at, marked: false });
    parts.push({ text: text.slice(start, end), offset: start, marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), offset: at, marked: false });
  return parts;
}

/**
 * Where the words of `query` occur in `text`, ignoring case: for texts the
 * server sends without highlights (a person's name).
 */
export function matchRanges(text: string, query: string): TextRange[] {
  const lower = text.toLowerCase();
  const haystack = lower.length === text.length ? lower : text;
  const ranges: TextRange[] = [];
  for (const word of query.toLowerCase().split(/\s+/)) {
    if (!word) continue;
    for (let at = haystack.indexOf(word); at >= 0; at = haystack.indexOf(word, at + word.length))
      ranges.push({ offset: at, length: word.length });
  }
  return ranges;
}

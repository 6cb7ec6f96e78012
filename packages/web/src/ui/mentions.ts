/** A mention being written: "@" and what follows it up to the caret. */
export interface MentionQuery {
  /** Where the "@" is, in UTF-16 code units. */
  at: number;
  prefix: string;
}

export interface Mention {
  userId: string;
  offset: number;
  length: number;
}

/** Someone who can be mentioned: shown by name, found by name, id, pinyin, initials or any reading. */
export interface MentionCandidate {
  userId: string;
  name: string;
  /** Lower-case keys typed after "@" that find them (pinyin, initials, other readings). */
  keys: readonly string[];
}

/** The mention being typed just before the caret, if any ("@" at the start or after a space). */
export function mentionAt(text: string, caret: number): MentionQuery | undefined {
  const m = /(?:^|\s)@([\p{L}\p{N}._-]{0,40})$/u.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { at: caret - m[1]!.length - 1, prefix: m[1] ?? "" };
}

/**
 * Whether what follows "@" finds a candidate: the start of their name or of
 * any word in it (汉字 or Latin), any character run of a Chinese name (@伟
 * finds 刘伟), the start of their user id, or of any pinyin key.
 */
export function matchesMention(prefix: string, c: MentionCandidate): boolean {
  const q = prefix.toLowerCase();
  if (q === "") return true;
  const name = c.name.toLowerCase();
  if (name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q))) return true;
  if (/\p{Script=Han}/u.test(q) && name.includes(q)) return true;
  if (c.userId.toLowerCase().startsWith(q)) return true;
  return c.keys.some((k) => k.startsWith(q));
}

/** The text with the mention typed at `q` replaced by "@name ", and the mention that makes. */
export function insertMention(
  text: string,
  caret: number,
  q: MentionQuery,
  userId: string,
  name: string,
): { text: string; caret: number; mention: Mention } {
  const label = `@${name}`;
  const next = `${text.slice(0, q.at)}${label} ${text.slice(caret)}`;
  return {
    text: next,
    caret: q.at + label.length + 1,
    mention: { userId, offset: q.at, length: label.length },
  };
}

/**
 * The mentions after the text changed from `before` to `after`: the edit is
 * the span between their common start and common end; mentions before it
 * stay, those after it move by the change in length, and one the edit cut
 * into is no longer a mention (its "@name" was changed by hand).
 */
export function shiftMentions(before: string, after: string, mentions: readonly Mention[]): Mention[] {
  if (before === after || mentions.length === 0) return [...mentions];
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const removedEnd = before.length - end;
  const delta = after.length - before.length;
  const out: Mention[] = [];
  for (const m of mentions) {
    if (m.offset + m.length <= start) out.push(m);
    else if (m.offset >= removedEnd) out.push({ ...m, offset: m.offset + delta });
  }
  return out;
}

/**
 * The mentions of `text` as it is sent: trimmed by `lead` characters at the
 * start, and only those still lying inside it with their "@" in place.
 */
export function mentionsIn(text: string, lead: number, mentions: readonly Mention[]): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    const offset = m.offset - lead;
    if (offset < 0 || offset + m.length > text.length || text[offset] !== "@") continue;
    if (!out.some((o) => o.offset === offset)) out.push({ ...m, offset });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

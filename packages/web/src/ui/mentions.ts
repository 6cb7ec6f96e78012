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

/** The mention being typed just before the caret, if any ("@" at the start or after a space). */
export function mentionAt(text: string, caret: number): MentionQuery | undefined {
  const m = /(?:^|\s)@([\p{L}\p{N}._-]{0,40})$/u.exec(text.slice(0, caret));
  if (!m) return undefined;
  return { at: caret - m[1]!.length - 1, prefix: m[1] ?? "" };
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

/** The mentions still standing in the text as it is sent (edits may have moved or removed some). */
export function mentionsIn(
  text: string,
  mentions: readonly Mention[],
  name: (userId: string) => string,
): Mention[] {
  const out: Mention[] = [];
  for (const m of mentions) {
    const label = `@${name(m.userId)}`;
    const at = text.indexOf(label, Math.max(0, m.offset - 64));
    if (at >= 0 && !out.some((o) => o.offset === at))
      out.push({ userId: m.userId, offset: at, length: label.length });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

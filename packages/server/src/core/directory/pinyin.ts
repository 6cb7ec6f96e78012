import { pinyin } from "pinyin-pro";

export interface NameKeys {
  /** Lower-case pinyin of every syllable, joined: "重庆" -> "chongqing", "Alice 王" -> "alicewang". */
  pinyin: string;
  /** First letter of each syllable or word: "cq", "aw". */
  initials: string;
}

const HAS_HAN = /\p{Script=Han}/u;

/**
 * Search keys of a name. pinyin-pro picks readings by word, so polyphonic
 * characters come out as in the word (重庆 chongqing, not zhongqing); runs
 * of other letters and digits are kept as words.
 */
export function nameKeys(name: string, person = true): NameKeys {
  return keysOf(HAS_HAN.test(name) ? readingInName(name, person) : [name]);
}

function readingInName(name: string, person: boolean): string[] {
  return pinyin(name, {
    toneType: "none",
    type: "array",
    nonZh: "consecutive",
    v: true,
    // A person's name starts with a surname, read as one: 曾 zeng, 单 shan.
    ...(person ? { surname: "head" as const } : {}),
  });
}

function keysOf(words: readonly string[]): NameKeys {
  const parts = words.flatMap((w) => w.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length > 0);
  return { pinyin: parts.join(""), initials: parts.map((w) => w[0]).join("") };
}

export const READING_LIMITS = {
  /** Readings of one character taken into account, most common first. */
  perCharacter: 3,
  /** Readings of one name indexed: the combinations closest to the name's own reading. */
  perName: 16,
} as const;

/** One Han character, or a run of anything else. */
const TOKEN = /\p{Script=Han}|[^\p{Script=Han}]+/gu;
/** Every reading of each character seen, from pinyin-pro's dictionary (bounded by the Han repertoire). */
const charReadings = new Map<string, string[]>();

function readingsOf(char: string): string[] {
  let r = charReadings.get(char);
  if (!r) {
    r = pinyin(char, { toneType: "none", type: "array", v: true, multiple: true });
    charReadings.set(char, r);
  }
  return r;
}

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);

/**
 * Every reading of a name people may type, the name's own reading
 * (`nameKeys`) first: for each Han character its reading in the name (for a
 * person, the surname's reading as a surname: 曾 zeng, 单 shan), its reading
 * in the word (重庆 chongqing) and its other common readings (up to
 * `perCharacter`), combined closest first (fewest other readings), at most
 * `perName` of them. `stored` is the name's own reading when already known.
 */
export function nameReadings(name: string, person = true, stored?: NameKeys): NameKeys[] {
  if (!HAS_HAN.test(name)) return [stored ?? nameKeys(name, person)];
  const tokens = name.match(TOKEN) ?? [];
  // Names of one reading per character (most) have no other reading.
  if (tokens.every((t) => !HAS_HAN.test(t) || readingsOf(t).length < 2))
    return [stored ?? nameKeys(name, person)];
  const inName = readingInName(name, person);
  const own = stored ?? keysOf(inName);
  if (inName.length !== tokens.length) return [own];
  const inWord = person ? readingInName(name, false) : inName;
  if (inWord.length !== tokens.length) return [own];
  // Each token's choices, each choice its words ("Alice " is one choice of one word).
  const choices: string[][][] = tokens.map((t, i) => {
    if (!HAS_HAN.test(t)) return [words(t)];
    const all = [inName[i] as string, inWord[i] as string, ...readingsOf(t)];
    const distinct = [...new Set(all.map((r) => r.toLowerCase()).filter((r) => /^[a-z]+$/.test(r)))];
    return distinct.length > 0 ? distinct.slice(0, READING_LIMITS.perCharacter).map((r) => [r]) : [words(t)];
  });
  const out = new Map<string, NameKeys>([[own.pinyin, own]]);
  const picked: number[] = [];
  // Combinations whose choices' ranks sum to exactly `left` from token `i` on.
  const walk = (i: number, left: number): void => {
    if (out.size >= READING_LIMITS.perName) return;
    if (i === choices.length) {
      if (left > 0) return;
      const parts = picked.flatMap((c, t) => (choices[t] as string[][])[c] as string[]);
      const reading = parts.join("");
      if (!out.has(reading)) out.set(reading, { pinyin: reading, initials: parts.map((w) => w[0]).join("") });
      return;
    }
    const n = (choices[i] as string[][]).length;
    for (let c = 0; c < n && c <= left; c++) {
      picked[i] = c;
      walk(i + 1, left - c);
    }
  };
  const most = choices.reduce((sum, c) => sum + c.length - 1, 0);
  for (let rank = 0; rank <= most && out.size < READING_LIMITS.perName; rank++) walk(0, rank);
  return [...out.values()];
}

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
  const words = HAS_HAN.test(name)
    ? pinyin(name, {
        toneType: "none",
        type: "array",
        nonZh: "consecutive",
        v: true,
        // A person's name starts with a surname, read as one: 曾 zeng, 单 shan.
        ...(person ? { surname: "head" as const } : {}),
      })
    : [name];
  const parts = words.flatMap((w) => w.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length > 0);
  return { pinyin: parts.join(""), initials: parts.map((w) => w[0]).join("") };
}

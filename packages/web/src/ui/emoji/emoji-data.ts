import en from "emojibase-data/en/compact.json";
import github from "emojibase-data/en/shortcodes/github.json";
import zh from "emojibase-data/zh/compact.json";
import { type EmojiEntry, indexEmoji, type RawEmoji } from "./emoji-index.js";

/**
 * The full emoji set of Emojibase (the Unicode CLDR names and keywords in
 * English and Chinese, GitHub's shortcodes), indexed once. This module is
 * only ever imported dynamically, so the data is a chunk of its own that
 * loads when the picker first opens, never with the app.
 */
export const EMOJI: readonly EmojiEntry[] = indexEmoji(
  en as RawEmoji[],
  zh as RawEmoji[],
  github as Record<string, string | string[]>,
);

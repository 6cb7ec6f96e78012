import { type KeyboardEvent, useState } from "react";
import { useStrings } from "../i18n.js";

/** The emoji offered, the everyday ones of office chat. */
const EMOJI = [..."😀😂😊😍🤔😅😭😡👍👎👏🙏💪👌🤝🎉🔥✅❌⭐❤️💡📌📎📅⏰☕🍰🚀🌟😎😴🤗😉😢😮🙂🙌👀"].filter(
  (c) => c !== "\uFE0F",
);

/** A button that opens a grid of emoji; choosing one inserts it where the caret is. */
export function EmojiPicker(props: { onPick(emoji: string): void }) {
  const { t } = useStrings();
  const [open, setOpen] = useState(false);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") setOpen(false);
  };
  return (
    <span className="emoji-picker">
      <button
        type="button"
        className="attach"
        aria-label={t.emoji}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        😊
      </button>
      {open && (
        <fieldset className="emoji-grid" aria-label={t.emoji} onKeyDown={onKey}>
          {EMOJI.map((e) => (
            <button
              key={e}
              type="button"
              onClick={() => {
                props.onPick(e);
                setOpen(false);
              }}
            >
              {e}
            </button>
          ))}
        </fieldset>
      )}
    </span>
  );
}

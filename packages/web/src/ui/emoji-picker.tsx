import { type KeyboardEvent, useRef, useState } from "react";
import { useStrings } from "../i18n.js";

/** The emoji offered, the everyday ones of office chat. */
const EMOJI = [..."😀😂😊😍🤔😅😭😡👍👎👏🙏💪👌🤝🎉🔥✅❌⭐❤️💡📌📎📅⏰☕🍰🚀🌟😎😴🤗😉😢😮🙂🙌👀"].filter(
  (c) => c !== "\uFE0F",
);

/**
 * A button that opens a grid of emoji; choosing one inserts it where the caret
 * is (and the focus goes back to the text). Escape closes the grid and the
 * focus goes back to the button.
 */
export function EmojiPicker(props: { onPick(emoji: string): void }) {
  const { t } = useStrings();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || !open) return;
    e.preventDefault();
    setOpen(false);
    button.current?.focus();
  };
  return (
    <span className="emoji-picker">
      <button
        ref={button}
        type="button"
        className="attach"
        aria-label={t.emoji}
        aria-expanded={open}
        onKeyDown={onKey}
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

import { useEffect, useRef, useState } from "react";
import { useStrings } from "../../i18n.js";
import { EmojiPanel } from "./emoji-panel.js";
import "./emoji.css";

/**
 * A button that opens the emoji panel; choosing one inserts it where the
 * caret is. Escape or a click elsewhere closes the panel and focus goes
 * back to the button.
 */
/** `label` names the button where it serves another purpose (the "more" of the reactions). */
export function EmojiPicker(props: { onPick(emoji: string): void; label?: string }) {
  const { t } = useStrings();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  return (
    <span className="emoji-picker" ref={root}>
      <button
        ref={toggle}
        type="button"
        className="attach"
        aria-label={props.label ?? t.emoji}
        aria-expanded={open}
        aria-haspopup="dialog"
        onKeyDown={(e) => {
          if (e.key !== "Escape" || !open) return;
          // Closes the panel only; the chat stays open (see ChatView).
          e.preventDefault();
          close();
        }}
        onClick={() => setOpen(!open)}
      >
        😊
      </button>
      {open && (
        <EmojiPanel
          onClose={close}
          onPick={(emoji) => {
            props.onPick(emoji);
            setOpen(false);
          }}
        />
      )}
    </span>
  );
}

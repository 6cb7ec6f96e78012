import type { Message } from "@starling/sdk";
import { useRef, useState } from "react";
import { useStrings } from "../i18n.js";
import { useChat } from "../use-chat.js";
import { EmojiPicker } from "./emoji/emoji-picker.js";
import "./reactions.css";

/** The reactions offered at one click; the rest come from the emoji picker. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏", "✅"];

/**
 * A message's reactions: each emoji with its count, this user's own pressed;
 * a click adds or takes back one's reaction. Who reacted is the button's
 * accessible name and tooltip, by display name.
 */
export function ReactionBar(props: { m: Message; onError(text: string): void }) {
  const { t } = useStrings();
  const { session, windows, people } = useChat();
  const { m } = props;
  if (m.reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label={t.reactions}>
      {m.reactions.map((r) => {
        const mine = r.userIds.includes(session.userId);
        const names = r.userIds.map((u) => (u === session.userId ? t.you : people.displayName(u))).join(", ");
        const label = t.reactedBy
          .replace("{emoji}", r.emoji)
          .replace("{count}", String(r.userIds.length))
          .replace("{names}", names);
        return (
          <li key={r.emoji}>
            <button
              type="button"
              className={`reaction${mine ? " own" : ""}`}
              aria-pressed={mine}
              aria-label={label}
              title={label}
              data-emoji={r.emoji}
              onClick={() =>
                void windows
                  .react(m.conversationId, m.seq, r.emoji, !mine)
                  .catch(() => props.onError(t.reactFailed))
              }
            >
              <span aria-hidden="true">{r.emoji}</span> <span aria-hidden="true">{r.userIds.length}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The "react" action: opens the quick reactions and "more" (the emoji
 * picker); choosing one adds this user's reaction, or takes it back when it
 * is there already. Escape closes the choice back onto the button.
 */
export function ReactAction(props: { m: Message; onError(text: string): void }) {
  const { t } = useStrings();
  const { session, windows } = useChat();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const { m } = props;
  const pick = (emoji: string) => {
    setOpen(false);
    const had = m.reactions.some((r) => r.emoji === emoji && r.userIds.includes(session.userId));
    void windows.react(m.conversationId, m.seq, emoji, !had).catch(() => props.onError(t.reactFailed));
  };
  return (
    <span className="react-action">
      <button ref={button} type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t.reactAction}
      </button>
      {open && (
        <fieldset
          className="quick-reactions"
          aria-label={t.reactChoose}
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            // Closes the choice only (the chat stays open, see ChatView), back onto its button.
            if (e.defaultPrevented) return;
            e.preventDefault();
            setOpen(false);
            button.current?.focus();
          }}
        >
          {QUICK_REACTIONS.map((e) => (
            <button key={e} type="button" onClick={() => pick(e)}>
              {e}
            </button>
          ))}
          <EmojiPicker onPick={pick} label={t.reactMore} />
        </fieldset>
      )}
    </span>
  );
}

import type { MentionCandidate } from "../mentions.js";

export const MENTION_LIST_ID = "mention-list";
export const mentionOptionId = (i: number) => `mention-option-${i}`;

/**
 * The people a mention being typed may mean, floating above the text box
 * (it never takes the box's room). The box keeps the focus and drives it
 * with the keys (composer.tsx), pointing at the chosen option through
 * aria-activedescendant; a click picks too.
 */
export function MentionList(props: {
  candidates: readonly MentionCandidate[];
  choice: number;
  label: string;
  onPick(c: MentionCandidate): void;
}) {
  return (
    <div className="mention-list" role="listbox" id={MENTION_LIST_ID} aria-label={props.label}>
      {props.candidates.map((c, i) => (
        <div
          key={c.userId}
          id={mentionOptionId(i)}
          role="option"
          tabIndex={-1}
          aria-selected={i === props.choice}
          className={i === props.choice ? "selected" : ""}
          ref={(el) => {
            if (el && i === props.choice) el.scrollIntoView({ block: "nearest" });
          }}
          onMouseDown={(e) => {
            e.preventDefault();
            props.onPick(c);
          }}
        >
          @{c.name}
          {c.userId.includes("@") && !c.userId.startsWith("@") && (
            <span className="hint mention-id"> {c.userId.split("@")[0]}</span>
          )}
        </div>
      ))}
    </div>
  );
}

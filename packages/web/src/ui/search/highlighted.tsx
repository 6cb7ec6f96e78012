import { highlightParts, type TextRange } from "./highlight-parts.js";

/** A text with its matched parts in `<mark>`, built as elements (the text is never markup). */
export function Highlighted(props: { text: string; ranges: readonly TextRange[]; className?: string }) {
  return (
    <span className={props.className}>
      {highlightParts(props.text, props.ranges).map((p) =>
        p.marked ? <mark key={p.offset}>{p.text}</mark> : <span key={p.offset}>{p.text}</span>,
      )}
    </span>
  );
}

import { type Block, type Inline, parseMessage, type Span, safeHref } from "@starling/sdk";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import type { Token } from "./highlight.js";

/** A fenced code block, plain at first and highlighted once the highlighter has loaded. */
function CodeBlock(props: { lang: string; text: string }) {
  const { lang, text } = props;
  const [tokens, setTokens] = useState<Token[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setTokens(undefined);
    void import("./highlight.js").then((h) => {
      if (live) setTokens(h.highlight(text, lang));
    });
    return () => {
      live = false;
    };
  }, [text, lang]);
  return (
    <pre className="code-block" data-lang={lang || undefined}>
      <code>
        {tokens
          ? tokens.map((t, i) =>
              t.kind ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: tokens never reorder
                <span key={i} className={`tok-${t.kind}`}>
                  {t.text}
                </span>
              ) : (
                t.text
              ),
            )
          : text}
      </code>
    </pre>
  );
}

function inlines(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case "text":
        return n.text;
      case "mention":
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
          <span key={i} className="mention">
            {n.text}
          </span>
        );
      case "code":
        // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
        return <code key={i}>{n.text}</code>;
      case "link": {
        const href = safeHref(n.href);
        return href ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
          <a key={i} href={href} target="_blank" rel="noopener noreferrer">
            {n.text}
          </a>
        ) : (
          n.text
        );
      }
      case "strong":
        // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
        return <strong key={i}>{inlines(n.children)}</strong>;
      case "em":
        // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
        return <em key={i}>{inlines(n.children)}</em>;
      case "del":
        // biome-ignore lint/suspicious/noArrayIndexKey: parts never reorder
        return <del key={i}>{inlines(n.children)}</del>;
    }
    return null;
  });
}

function block(b: Block, key: number): ReactNode {
  switch (b.t) {
    case "para":
      return <p key={key}>{inlines(b.children)}</p>;
    case "code":
      return <CodeBlock key={key} lang={b.lang} text={b.text} />;
    case "quote":
      return <blockquote key={key}>{inlines(b.children)}</blockquote>;
    case "list": {
      const items = b.items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: items never reorder
        <li key={i}>{inlines(item)}</li>
      ));
      return b.ordered ? (
        <ol key={key} start={b.start === 1 ? undefined : b.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
  }
  return null;
}

/** A message's text, its markdown rendered as elements and its mentions highlighted. */
export function RichText(props: { text: string; mentions: readonly Span[] }) {
  const { text, mentions } = props;
  const blocks = useMemo(() => parseMessage(text, mentions), [text, mentions]);
  return <div className="text">{blocks.map(block)}</div>;
}

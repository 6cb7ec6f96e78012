import type { Content } from "@starling/sdk";
import { type Block, type Inline, parseMessage } from "./markdown.js";

const inline = (n: Inline): string => ("children" in n ? n.children.map(inline).join("") : n.text);

function block(b: Block): string {
  if (b.t === "code") return b.text;
  if (b.t === "list") return b.items.map((item) => item.map(inline).join("")).join(" · ");
  return b.children.map(inline).join("");
}

/** A message's markdown as the words a reader sees, one line: for previews and notifications. */
export function plainText(src: string): string {
  return parseMessage(src).map(block).join(" ").replace(/\s+/g, " ").trim();
}

/** One line that stands for a message's content: its text, or else its first attachment's name. */
export function contentSummary(content: Content): string {
  return plainText(content.text) || (content.attachments[0]?.name ?? "");
}

/**
 * A message as a markdown quote for the composer: every line behind "> ",
 * the first led by the sender's name in bold, and an empty line after it so
 * what is typed next is not part of the quote.
 */
export function quoteMarkdown(senderName: string, text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const name = senderName.replace(/[*_`]/g, "");
  return `${lines.map((l, i) => (i === 0 ? `> **${name}**: ${l}` : `> ${l}`).trimEnd()).join("\n")}\n\n`;
}

/** Where a quote goes in the composer's text: at the end, on a line of its own. */
export function withQuote(current: string, quote: string): string {
  if (current.trim() === "") return quote;
  return `${current.replace(/\n*$/, "")}\n\n${quote}`;
}

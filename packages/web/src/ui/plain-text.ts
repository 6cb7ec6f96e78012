import { type Content, plainText } from "@starling/sdk";

export { plainText };

/** One line that stands for a message's content: its text, or else its first attachment's name. */
export function contentSummary(content: Content): string {
  return plainText(content.text) || (content.attachments[0]?.name ?? "");
}

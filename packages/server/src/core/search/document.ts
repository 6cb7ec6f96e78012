import { type Attachment, ContentSchema, fromBinary } from "@starling/protocol";
import { indexTokens } from "./tokens.js";

/** What kind of message a search filter can ask for. */
export type MessageKind = "text" | "image" | "file" | "voice" | "video";

/** A message as the search index keeps it. */
export interface SearchDocument {
  kind: MessageKind;
  tokens: string[];
}

/** The row a store keeps for one searchable message. */
export interface SearchEntry extends SearchDocument {
  /** Set only when copying an index: the entry keeps its number (and so its place in the order). */
  id?: number;
  conversationId: string;
  seq: number;
  senderId: string;
  serverTime: number;
}

const KINDS: Record<number, MessageKind> = { 1: "image", 2: "file", 3: "voice", 4: "video" };

/** The searchable part of a message: its text's tokens, and its kind from the first attachment. */
export function messageDocument(
  text: string,
  attachments: readonly Pick<Attachment, "kind">[],
): SearchDocument | undefined {
  const tokens = indexTokens(text);
  return tokens.length > 0 ? { kind: messageKind(attachments), tokens } : undefined;
}

/** A message's kind for search filters: that of its first attachment, or text. */
export function messageKind(attachments: readonly Pick<Attachment, "kind">[]): MessageKind {
  const first = attachments[0];
  return first ? (KINDS[first.kind] ?? "file") : "text";
}

/** The same for a stored Content, or undefined when there is nothing to find. */
export function searchDocument(content: Uint8Array): SearchDocument | undefined {
  try {
    const c = fromBinary(ContentSchema, content);
    return messageDocument(c.text, c.attachments);
  } catch {
    return undefined;
  }
}

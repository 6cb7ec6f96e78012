import { create, type MentionsPage, MentionsPageSchema, type Message } from "@starling/protocol";
import { invalid } from "../kernel/errors.js";
import type { MentionPosition } from "../kernel/records.js";
import { toWireMessage } from "./content.js";
import type { MessagingReader } from "./store.js";

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 100;

/**
 * The messages mentioning a user (by id, or everyone in their groups)
 * across their conversations, newest first: the "@me" view. The mentions
 * index holds one row per mention; the read rule is applied in its query
 * (a former member sees only what they could read), recalled messages
 * leave the index, and the user's own messages are left out.
 */
export class MentionsList {
  constructor(private readonly reader: MessagingReader) {}

  async page(userId: string, limitIn: number, cursor: string): Promise<MentionsPage> {
    const limit = Math.min(Math.max(limitIn || DEFAULT_LIMIT, 1), MAX_LIMIT);
    const before = cursor ? decodeCursor(cursor) : undefined;
    const entries = await this.reader.listMentions(userId, before, limit + 1);
    const more = entries.length > limit;
    const shown = entries.slice(0, limit);
    const messages: Message[] = [];
    for (const e of shown) {
      const rec = await this.reader.getMessage(e.conversationId, e.seq);
      if (rec && !rec.recalledBy) messages.push(toWireMessage(rec));
    }
    const last = shown[shown.length - 1];
    return create(MentionsPageSchema, {
      messages,
      nextCursor: more && last ? encodeCursor(last) : "",
    });
  }
}

function encodeCursor(p: MentionPosition): string {
  return Buffer.from(JSON.stringify([p.serverTime, p.conversationId, p.seq])).toString("base64url");
}

function decodeCursor(cursor: string): MentionPosition {
  try {
    const [serverTime, conversationId, seq] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [
      unknown,
      unknown,
      unknown,
    ];
    if (typeof serverTime === "number" && typeof conversationId === "string" && typeof seq === "number")
      return { serverTime, conversationId, seq };
  } catch {
    // Falls through to the refusal.
  }
  throw invalid("cursor is not one this server gave", "cursor");
}

import {
  type Content,
  ContentSchema,
  create,
  ErrorCode,
  type Event,
  EventSchema,
  fromBinary,
  type Message,
  type MessageInitShape,
  MessageSchema,
  StarlingError,
  toBinary,
} from "@starling/protocol";
import { checkAttachments } from "../files/attachments.js";
import { invalid } from "../kernel/errors.js";
import type { CoreLimits } from "../kernel/limits.js";
import type { MessageRecord } from "../kernel/records.js";

const CUSTOM_TYPE = /^[a-z][a-z0-9._-]{0,63}$/;

/*
 * Characters no text a user writes may hold: control characters (C0, DEL, C1), UTF-16 halves
 * without their other half, and the noncharacters U+FFFE and U+FFFF. Most cannot be carried by
 * XML at all, so a message holding one could never reach an XMPP client; none is something a
 * person types. Tab, LF and CR are allowed where text may span lines (message text).
 */
const FORBIDDEN_MULTILINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_ONE_LINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  /[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The one check of what characters a user's text may hold: message text (`multiline`), and
 * one-line fields such as names and profile fields. INVALID_ARGUMENT names the field, the
 * character and its offset (in UTF-16 code units).
 */
export function checkTextCharacters(text: string, field: string, multiline = false): void {
  const m = (multiline ? FORBIDDEN_MULTILINE : FORBIDDEN_ONE_LINE).exec(text);
  if (!m) return;
  const char = `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  throw new StarlingError(
    ErrorCode.INVALID_ARGUMENT,
    `${field} contains the character ${char}, which is not allowed`,
    {
      details: { field, char, offset: String(m.index) },
    },
  );
}

/** Checks what a user wrote against the limits and returns it encoded for storage. */
export function validateContent(content: Content | undefined, limits: CoreLimits): Uint8Array {
  if (!content) throw invalid("message has no content", "content");
  const text = content.text;
  if (text.length > limits.maxTextLength) {
    throw invalid(`text is longer than ${limits.maxTextLength} characters`, "content.text");
  }
  checkTextCharacters(text, "content.text", true);
  if (text.trim().length === 0 && !content.custom && content.attachments.length === 0)
    throw invalid("message is empty", "content");
  checkAttachments(content.attachments);
  if (content.mentions.length > limits.maxMentions) {
    throw invalid(`more than ${limits.maxMentions} mentions`, "content.mentions");
  }
  for (const m of content.mentions) {
    if (m.userId.length === 0 || m.userId.length > 200) throw invalid("bad mention", "content.mentions");
    if (m.offset + m.length > text.length) throw invalid("mention outside the text", "content.mentions");
  }
  if (content.replyToSeq < 0) throw invalid("reply_to_seq must not be negative", "content.reply_to_seq");
  const custom = content.custom;
  if (custom) {
    if (!CUSTOM_TYPE.test(custom.type))
      throw invalid("custom.type is not a valid type name", "content.custom.type");
    if (Buffer.byteLength(custom.json) > limits.maxCustomJsonBytes) {
      throw invalid(`custom.json is larger than ${limits.maxCustomJsonBytes} bytes`, "content.custom.json");
    }
    try {
      JSON.parse(custom.json);
    } catch {
      throw invalid("custom.json is not valid JSON", "content.custom.json");
    }
  }
  return toBinary(ContentSchema, content);
}

export function encodeEvent(event: MessageInitShape<typeof EventSchema>): Uint8Array {
  return toBinary(EventSchema, create(EventSchema, event));
}

export function decodeEvent(bytes: Uint8Array): Event {
  return fromBinary(EventSchema, bytes);
}

/** The wire form of a stored message. */
export function toWireMessage(rec: MessageRecord): Message {
  const event = rec.event ? fromBinary(EventSchema, rec.event) : undefined;
  // An edit event's row holds the edited content (a recall of the target deletes it there too).
  if (event?.kind.case === "messageEdited" && rec.content)
    event.kind.value.content = fromBinary(ContentSchema, rec.content);
  return create(MessageSchema, {
    conversationId: rec.conversationId,
    seq: BigInt(rec.seq),
    senderId: rec.senderId,
    clientMsgId: rec.clientMsgId,
    serverTime: BigInt(rec.serverTime),
    content: rec.content && !event ? fromBinary(ContentSchema, rec.content) : undefined,
    event,
    recalled: rec.recalledBy ? { by: rec.recalledBy, at: BigInt(rec.recalledAt ?? 0) } : undefined,
    editedAt: BigInt(rec.editedAt ?? 0),
    reactions: rec.reactions ?? [],
  });
}

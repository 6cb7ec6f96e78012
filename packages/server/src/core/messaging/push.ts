import {
  appendField,
  create,
  encodeEnvelope,
  lengthDelimitedField,
  type Message,
  type MessageInitShape,
  MessageSchema,
  type PushSchema,
  toBinary,
} from "@starling/protocol";
import type { MessageRecord } from "../kernel/records.js";
import { toWireMessage } from "./content.js";

export type PushBody = MessageInitShape<typeof PushSchema>["body"];

/** Field numbers used to splice a message push together (envelope.proto, message.proto). */
const ENVELOPE_PUSH = 3;
const PUSH_MESSAGE = 1;
const MESSAGE_CONTENT = 6;

/** Encodes a server push once, so it can be written to any number of sessions. */
export function pushFrame(body: PushBody): Uint8Array {
  return encodeEnvelope({ kind: { case: "push", value: { body } } });
}

export function messageFrame(message: Message): Uint8Array {
  return pushFrame({ case: "message", value: message });
}

/**
 * The push of a freshly stored message. Its content is already encoded in
 * the row, so it is spliced in as bytes instead of being decoded and encoded
 * again: this runs once per message on the send path.
 */
export function storedMessageFrame(row: MessageRecord): Uint8Array {
  if (!row.content) return messageFrame(toWireMessage(row));
  const head = toBinary(
    MessageSchema,
    create(MessageSchema, {
      conversationId: row.conversationId,
      seq: BigInt(row.seq),
      senderId: row.senderId,
      clientMsgId: row.clientMsgId,
      serverTime: BigInt(row.serverTime),
    }),
  );
  const message = appendField(head, MESSAGE_CONTENT, row.content);
  return lengthDelimitedField(ENVELOPE_PUSH, lengthDelimitedField(PUSH_MESSAGE, message));
}

import { create, type Message, MessageSchema } from "@starling/protocol";

export function msg(seq: number, conversationId = "c1"): Message {
  return create(MessageSchema, { conversationId, seq: BigInt(seq), content: { text: `m${seq}` } });
}

export function seqs(messages: readonly Message[]): number[] {
  return messages.map((m) => Number(m.seq));
}

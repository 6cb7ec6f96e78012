import { encodeEnvelope, type Message, type MessageInitShape, type PushSchema } from "@starling/protocol";

export type PushBody = MessageInitShape<typeof PushSchema>["body"];

/** Encodes a server push once, so it can be written to any number of sessions. */
export function pushFrame(body: PushBody): Uint8Array {
  return encodeEnvelope({ kind: { case: "push", value: { body } } });
}

export function messageFrame(message: Message): Uint8Array {
  return pushFrame({ case: "message", value: message });
}

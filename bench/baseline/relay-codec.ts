/**
 * The few envelopes the baseline relay reads and writes, by hand. Field
 * numbers are those of proto/starling/v1 (Envelope, Request, Response,
 * Push, SendMessage, SendAck, Message, Conversation, CreateGroup).
 */
import { bytesField, concat, forEachField, varintField } from "../load/proto-bytes.js";

export interface RelayRequest {
  id: number;
  /** Request body field: 10 hello, 11 ping, 20 send, 40 create_group; 0 unknown. */
  body: number;
  /** hello: the token. send: the target (to_user_id or conversation_id). */
  token: string;
  toUserId: string;
  conversationId: string;
  clientMsgId: Uint8Array;
  /** send: the encoded Content, relayed untouched. */
  content: Uint8Array;
  /** create_group: member ids. */
  memberIds: string[];
}

const latin1 = (buf: Uint8Array, from: number, to: number) =>
  Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString("latin1");

/** Parses Envelope{request{...}}; undefined for anything else. */
export function parseRequest(frame: Uint8Array): RelayRequest | undefined {
  const req: RelayRequest = {
    id: 0,
    body: 0,
    token: "",
    toUserId: "",
    conversationId: "",
    clientMsgId: new Uint8Array(0),
    content: new Uint8Array(0),
    memberIds: [],
  };
  let reqFrom = -1;
  let reqTo = -1;
  const envOk = forEachField(frame, 0, frame.length, (field, from, to) => {
    if (field === 1) [reqFrom, reqTo] = [from, to];
  });
  if (!envOk || reqFrom < 0) return undefined;
  let bodyFrom = 0;
  let bodyTo = 0;
  const ok = forEachField(frame, reqFrom, reqTo, (field, from, to, varint) => {
    if (field === 1) req.id = varint;
    else [req.body, bodyFrom, bodyTo] = [field, from, to];
  });
  if (!ok) return undefined;
  const body = forEachField(frame, bodyFrom, bodyTo, (field, from, to) => {
    if (req.body === 10 && field === 11) req.token = latin1(frame, from, to);
    if (req.body === 20 && field === 1) req.conversationId = latin1(frame, from, to);
    if (req.body === 20 && field === 2) req.toUserId = latin1(frame, from, to);
    if (req.body === 20 && field === 3) req.clientMsgId = frame.subarray(from, to);
    if (req.body === 20 && field === 4) req.content = frame.subarray(from, to);
    if (req.body === 40 && field === 2) req.memberIds.push(latin1(frame, from, to));
  });
  return body ? req : undefined;
}

const text = (s: string) => Buffer.from(s, "latin1");

/** Envelope{response{id, <field>{body}}}. */
export function response(id: number, field: number, body: Uint8Array): Uint8Array {
  return bytesField(2, concat([varintField(1, id), bytesField(field, body)]));
}

/** SendAck{conversation_id, seq, server_time}. */
export function sendAck(conversationId: string, seq: number, now: number): Uint8Array {
  return concat([bytesField(1, text(conversationId)), varintField(2, seq), varintField(3, now)]);
}

/** Envelope{push{message{conversation_id, seq, sender_id, client_msg_id, server_time, content}}}. */
export function messagePush(
  conversationId: string,
  seq: number,
  senderId: string,
  clientMsgId: Uint8Array,
  now: number,
  content: Uint8Array,
): Uint8Array {
  const message = concat([
    bytesField(1, text(conversationId)),
    varintField(2, seq),
    bytesField(3, text(senderId)),
    bytesField(4, clientMsgId),
    varintField(5, now),
    bytesField(6, content),
  ]);
  return bytesField(3, bytesField(1, message));
}

/** Conversation{id} as the answer to create_group (Response.conversation = 31). */
export function conversation(id: string): Uint8Array {
  return bytesField(1, text(id));
}

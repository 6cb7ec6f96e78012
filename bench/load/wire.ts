/**
 * A hand-rolled slice of the starling.v1 wire format for the load generator.
 * The generator shares two cores with the server, so every microsecond it
 * spends in a general protobuf codec is taken from the system under test:
 * sends are written byte by byte and incoming frames are only walked as far
 * as the fields a scenario counts. `checkWireAgainstSchema` proves both
 * against the real generated codec before a run.
 */
import { decodeEnvelope, encodeEnvelope } from "@starling/protocol";
import {
  fieldSize,
  LEN,
  readVarint,
  skip,
  VARINT,
  varintSize,
  writeField,
  writeHeader,
  writeVarint,
} from "./proto-bytes.js";

/** Where a message goes: a peer (1:1, created on first use) or a conversation. */
export interface SendTarget {
  toUserId?: string;
  conversationId?: string;
}

/**
 * Envelope{request{id, send{to_user_id | conversation_id, client_msg_id, content{text}}}}.
 * Field numbers: Envelope.request=1, Request.id=1, Request.send=20,
 * SendMessage.conversation_id=1, to_user_id=2, client_msg_id=3, content=4, Content.text=1.
 */
export function encodeSend(
  id: number,
  target: SendTarget,
  clientMsgId: string,
  text: Uint8Array,
): Uint8Array {
  const cmid = Buffer.from(clientMsgId, "latin1");
  const targetBytes = Buffer.from(target.conversationId ?? target.toUserId ?? "", "latin1");
  const targetField = target.conversationId ? 1 : 2;
  const contentLen = fieldSize(1, text.length);
  const sendLen =
    fieldSize(targetField, targetBytes.length) + fieldSize(3, cmid.length) + fieldSize(4, contentLen);
  const requestLen = 1 + varintSize(id) + fieldSize(20, sendLen);
  const out = new Uint8Array(fieldSize(1, requestLen));
  let at = writeHeader(out, 0, 1, requestLen);
  out[at++] = (1 << 3) | VARINT;
  at = writeVarint(out, at, id);
  at = writeHeader(out, at, 20, sendLen);
  at = writeField(out, at, targetField, targetBytes);
  at = writeField(out, at, 3, cmid);
  at = writeHeader(out, at, 4, contentLen);
  writeField(out, at, 1, text);
  return out;
}

/** Envelope{request{id, ping{}}}: Request.ping=11. */
export function encodePing(id: number): Uint8Array {
  const requestLen = 1 + varintSize(id) + 2;
  const out = new Uint8Array(fieldSize(1, requestLen));
  let at = writeHeader(out, 0, 1, requestLen);
  out[at++] = (1 << 3) | VARINT;
  at = writeVarint(out, at, id);
  writeHeader(out, at, 11, 0);
  return out;
}

/** What `peek` found in one frame. Reused between calls: copy what you keep. */
export interface Peeked {
  /** Envelope field: 2 response, 3 push, 0 anything else. */
  kind: number;
  /** Response.id. */
  requestId: number;
  /** Response body or Push body field number (20 send_ack, 2 error, 11 pong; push 1 message, 5 goodbye). */
  body: number;
  /** For a pushed message: offsets of client_msg_id in the frame, or -1. */
  cmidStart: number;
  cmidEnd: number;
}

export function newPeeked(): Peeked {
  return { kind: 0, requestId: 0, body: 0, cmidStart: -1, cmidEnd: -1 };
}

/**
 * Walks the envelope just far enough to classify it. Returns false on bytes
 * it cannot follow (a scenario counts those; it never guesses).
 */
export function peek(buf: Uint8Array, out: Peeked): boolean {
  out.kind = 0;
  out.requestId = 0;
  out.body = 0;
  out.cmidStart = -1;
  out.cmidEnd = -1;
  const r = { at: 0 };
  const tag = readVarint(buf, r);
  if (tag < 0 || (tag & 7) !== LEN) return false;
  const len = readVarint(buf, r);
  if (len < 0 || r.at + len > buf.length) return false;
  out.kind = tag >>> 3;
  const end = r.at + len;
  if (out.kind === 2) return peekResponse(buf, r, end, out);
  if (out.kind === 3) return peekPush(buf, r, end, out);
  return true;
}

function peekResponse(buf: Uint8Array, r: { at: number }, end: number, out: Peeked): boolean {
  while (r.at < end) {
    const tag = readVarint(buf, r);
    if (tag < 0) return false;
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === VARINT) {
      out.requestId = readVarint(buf, r);
      continue;
    }
    out.body = field;
    if (!skip(buf, r, tag)) return false;
  }
  return true;
}

function peekPush(buf: Uint8Array, r: { at: number }, end: number, out: Peeked): boolean {
  // Push has exactly one body field; for a message, find Message.client_msg_id (4).
  const tag = readVarint(buf, r);
  if (tag < 0 || (tag & 7) !== LEN) return false;
  out.body = tag >>> 3;
  const len = readVarint(buf, r);
  if (len < 0 || r.at + len > end) return false;
  if (out.body !== 1) return true;
  const msgEnd = r.at + len;
  while (r.at < msgEnd) {
    const t = readVarint(buf, r);
    if (t < 0) return false;
    if (t >>> 3 === 4 && (t & 7) === LEN) {
      const n = readVarint(buf, r);
      out.cmidStart = r.at;
      out.cmidEnd = r.at + n;
      return out.cmidEnd <= msgEnd;
    }
    if (!skip(buf, r, t)) return false;
  }
  return true;
}

/**
 * Benchmark client message ids are "s<sender>-<n>": the receiver finds the
 * sender's in-flight entry from the id alone, without decoding strings.
 * Returns false for any other id (group events, "event-1").
 */
export function parseBenchId(
  buf: Uint8Array,
  start: number,
  end: number,
  out: { sender: number; n: number },
): boolean {
  if (start < 0 || buf[start] !== 0x73) return false; // "s"
  let i = start + 1;
  let sender = 0;
  let digits = 0;
  while (i < end && buf[i] !== 0x2d) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return false;
    sender = sender * 10 + d;
    i++;
    digits++;
  }
  if (digits === 0 || i >= end) return false;
  let n = 0;
  for (i++; i < end; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) return false;
    n = n * 10 + d;
  }
  out.sender = sender;
  out.n = n;
  return true;
}

export function benchId(sender: number, n: number): string {
  return `s${sender}-${n}`;
}

/** Fails loudly if the hand-written codec and the generated one disagree. */
export function checkWireAgainstSchema(): void {
  const text = Buffer.from("héllo");
  for (const target of [{ toUserId: "u1@starling.local" }, { conversationId: "g:abcdefghijklmnop" }]) {
    const env = decodeEnvelope(encodeSend(300, target, "s12-345", text));
    const req = env.kind.case === "request" ? env.kind.value : undefined;
    const send = req?.body.case === "send" ? req.body.value : undefined;
    const ok =
      req?.id === 300 &&
      send?.clientMsgId === "s12-345" &&
      send.content?.text === "héllo" &&
      (send.toUserId || undefined) === target.toUserId &&
      (send.conversationId || undefined) === target.conversationId;
    if (!ok) throw new Error(`bench wire encoder disagrees with the schema: ${JSON.stringify(target)}`);
  }
  const ping = decodeEnvelope(encodePing(70000));
  if (ping.kind.case !== "request" || ping.kind.value.id !== 70000 || ping.kind.value.body.case !== "ping") {
    throw new Error("bench ping encoder disagrees with the schema");
  }
  const p = newPeeked();
  const ack = encodeEnvelope({
    kind: {
      case: "response",
      value: { id: 99999, body: { case: "sendAck", value: { conversationId: "d:a|b", seq: 7n } } },
    },
  });
  if (!peek(ack, p) || p.kind !== 2 || p.requestId !== 99999 || p.body !== 20)
    throw new Error("bench peek misreads send_ack");
  const push = encodeEnvelope({
    kind: {
      case: "push",
      value: {
        body: {
          case: "message",
          value: {
            conversationId: "d:a|b",
            seq: 300n,
            senderId: "u1@starling.local",
            clientMsgId: "s7-42",
            content: { text: "x" },
          },
        },
      },
    },
  });
  const id = { sender: 0, n: 0 };
  const q = newPeeked();
  if (!peek(push, q) || q.kind !== 3 || q.body !== 1 || !parseBenchId(push, q.cmidStart, q.cmidEnd, id)) {
    throw new Error("bench peek misreads a pushed message");
  }
  if (id.sender !== 7 || id.n !== 42) throw new Error("bench id parser misreads s7-42");
}

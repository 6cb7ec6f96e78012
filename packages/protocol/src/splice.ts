/**
 * Byte-level composition of protobuf messages, for hot paths that already
 * hold an encoded sub-message and must not decode it only to encode it again
 * (protobuf allows a length-delimited field anywhere in a message).
 */

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** The bytes of one length-delimited field: tag, length, payload. */
export function lengthDelimitedField(field: number, payload: Uint8Array): Uint8Array {
  const tag = varint((field << 3) | 2);
  const len = varint(payload.length);
  const out = new Uint8Array(tag.length + len.length + payload.length);
  out.set(tag, 0);
  out.set(len, tag.length);
  out.set(payload, tag.length + len.length);
  return out;
}

/** `message` with one more length-delimited field appended. */
export function appendField(message: Uint8Array, field: number, payload: Uint8Array): Uint8Array {
  const f = lengthDelimitedField(field, payload);
  const out = new Uint8Array(message.length + f.length);
  out.set(message, 0);
  out.set(f, message.length);
  return out;
}

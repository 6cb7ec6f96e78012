/**
 * Protobuf wire primitives (varints, length-delimited fields) for the
 * hand-written codecs of the load generator and the baseline relay. Both
 * share the machine with the server, so neither pays for a general codec.
 */
export const VARINT = 0;
export const LEN = 2;

export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export function writeVarint(buf: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** Size of a length-delimited field holding `len` bytes. */
export function fieldSize(field: number, len: number): number {
  return varintSize((field << 3) | LEN) + varintSize(len) + len;
}

export function writeHeader(buf: Uint8Array, at: number, field: number, len: number): number {
  at = writeVarint(buf, at, (field << 3) | LEN);
  return writeVarint(buf, at, len);
}

export function writeField(buf: Uint8Array, at: number, field: number, bytes: Uint8Array): number {
  at = writeHeader(buf, at, field, bytes.length);
  buf.set(bytes, at);
  return at + bytes.length;
}

/** One length-delimited field as its own buffer (for building messages from parts). */
export function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(fieldSize(field, bytes.length));
  writeField(out, 0, field, bytes);
  return out;
}

export function varintField(field: number, n: number): Uint8Array {
  const out = new Uint8Array(varintSize(field << 3) + varintSize(n));
  writeVarint(out, writeVarint(out, 0, field << 3), n);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A read position, advanced by the readers below. */
export interface Cursor {
  at: number;
}

/** Reads a varint (up to 2^53), or returns -1 when truncated or too long. */
export function readVarint(buf: Uint8Array, r: Cursor): number {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10 && r.at < buf.length; i++) {
    const b = buf[r.at++] as number;
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return value;
    mul *= 128;
  }
  return -1;
}

/** Skips the value of a field whose tag was just read; false on malformed bytes. */
export function skip(buf: Uint8Array, r: Cursor, tag: number): boolean {
  switch (tag & 7) {
    case VARINT:
      return readVarint(buf, r) >= 0;
    case 1:
      r.at += 8;
      return r.at <= buf.length;
    case LEN: {
      const n = readVarint(buf, r);
      r.at += n;
      return n >= 0 && r.at <= buf.length;
    }
    case 5:
      r.at += 4;
      return r.at <= buf.length;
    default:
      return false;
  }
}

/**
 * Calls `visit` for each field in buf[start, end): for length-delimited
 * fields with the value's byte range, for varints with the value. Returns
 * false on malformed bytes.
 */
export function forEachField(
  buf: Uint8Array,
  start: number,
  end: number,
  visit: (field: number, from: number, to: number, varint: number) => void,
): boolean {
  const r = { at: start };
  while (r.at < end) {
    const tag = readVarint(buf, r);
    if (tag < 0) return false;
    const wire = tag & 7;
    if (wire === VARINT) {
      const v = readVarint(buf, r);
      if (v < 0) return false;
      visit(tag >>> 3, r.at, r.at, v);
    } else if (wire === LEN) {
      const n = readVarint(buf, r);
      if (n < 0 || r.at + n > end) return false;
      visit(tag >>> 3, r.at, r.at + n, 0);
      r.at += n;
    } else if (!skip(buf, r, tag)) {
      return false;
    }
  }
  return true;
}

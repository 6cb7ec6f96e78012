import { ErrorCode, StarlingError } from "./errors.js";

/** Default upper bound of one envelope, in bytes (1 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** A varint of a length up to 2^35 needs at most 5 bytes; more is malformed. */
const MAX_VARINT_BYTES = 5;

export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Prefix a payload with its length as a protobuf varint (the TCP framing). */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = varintLength(n);
  const out = new Uint8Array(head + n);
  let v = n;
  let i = 0;
  while (v >= 0x80) {
    out[i++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[i] = v;
  out.set(payload, head);
  return out;
}

/**
 * Splits a TCP byte stream into frames. The length is checked against the
 * limit as soon as the varint is complete, so an oversize frame is refused
 * before any of its body is buffered.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Length of the frame being collected, or -1 while reading its varint. */
  private need = -1;

  constructor(maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /**
   * Feed bytes; returns every complete frame. Throws StarlingError
   * (BAD_FRAME or FRAME_TOO_LARGE) on a malformed stream; the decoder must
   * not be used after that.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    if (chunk.length === 0) return frames;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        const len = this.readVarint();
        if (len < 0) break;
        this.need = len;
      }
      if (this.buffered < this.need) break;
      frames.push(this.take(this.need));
      this.need = -1;
    }
    return frames;
  }

  /** Reads and consumes the length varint, or returns -1 if incomplete. */
  private readVarint(): number {
    let value = 0;
    let mul = 1;
    let read = 0;
    for (const c of this.chunks) {
      for (let i = 0; i < c.length; i++) {
        const b = c[i] as number;
        value += (b & 0x7f) * mul;
        read++;
        if ((b & 0x80) === 0) {
          if (value > this.maxFrameBytes) {
            throw new StarlingError(ErrorCode.FRAME_TOO_LARGE, "frame exceeds the size limit", {
              details: { limit: String(this.maxFrameBytes), size: String(value) },
            });
          }
          this.take(read);
          return value;
        }
        mul *= 128;
        if (read >= MAX_VARINT_BYTES) {
          throw new StarlingError(ErrorCode.BAD_FRAME, "malformed frame length");
        }
      }
    }
    return -1;
  }

  /** Removes and returns the first n buffered bytes. */
  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0] as Uint8Array;
      const k = Math.min(c.length, n - off);
      out.set(c.subarray(0, k), off);
      off += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }
}

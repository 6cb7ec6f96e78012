/**
 * A compression method for Envelope.deflated. Synchronous because frames are
 * small and ordering is simpler when decoding never yields.
 */
export interface Compressor {
  /** The name offered in Hello.compression, e.g. "deflate". */
  readonly name: string;
  compress(data: Uint8Array): Uint8Array;
  /** Must throw rather than produce more than maxOutputBytes. */
  decompress(data: Uint8Array, maxOutputBytes: number): Uint8Array;
}

import { deflateRawSync, inflateRawSync } from "node:zlib";
import { COMPRESSION_DEFLATE, ErrorCode, StarlingError } from "@starling/protocol";
import type { Compressor } from "./compression.js";

/** Raw DEFLATE (RFC 1951) for Envelope.deflated, via node:zlib. */
export const deflateCompressor: Compressor = {
  name: COMPRESSION_DEFLATE,
  compress: (data) => deflateRawSync(data),
  decompress: (data, maxOutputBytes) => {
    try {
      // The limit stops a small frame from inflating into gigabytes.
      return inflateRawSync(data, { maxOutputLength: maxOutputBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError) {
        throw new StarlingError(ErrorCode.FRAME_TOO_LARGE, "inflated frame exceeds the size limit", {
          details: { limit: String(maxOutputBytes) },
        });
      }
      throw new StarlingError(ErrorCode.BAD_FRAME, "frame does not inflate");
    }
  },
};

/** Protocol versions this build speaks. Bump MAX on additive changes that need negotiation. */
export const PROTOCOL_MIN_VERSION = 1;
export const PROTOCOL_MAX_VERSION = 1;

/** Compression methods for Envelope.deflated, in preference order. */
export const COMPRESSION_DEFLATE = "deflate";

/** Envelopes at least this large are worth compressing when negotiated. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

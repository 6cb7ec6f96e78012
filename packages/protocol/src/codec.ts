import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { ErrorCode, StarlingError } from "./errors.js";
import { type Envelope, EnvelopeSchema } from "./gen/starling/v1/envelope_pb.js";

export type EnvelopeInit = MessageInitShape<typeof EnvelopeSchema>;

export function encodeEnvelope(env: Envelope | EnvelopeInit): Uint8Array {
  const msg = "$typeName" in env ? (env as Envelope) : create(EnvelopeSchema, env as EnvelopeInit);
  return toBinary(EnvelopeSchema, msg);
}

/**
 * Decodes one envelope. Malformed bytes and invalid UTF-8 in strings become
 * StarlingErrors with a protocol code, never a generic exception.
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  try {
    return fromBinary(EnvelopeSchema, bytes);
  } catch (err) {
    if (
      err instanceof TypeError &&
      (err as NodeJS.ErrnoException).code === "ERR_ENCODING_INVALID_ENCODED_DATA"
    ) {
      throw new StarlingError(ErrorCode.INVALID_UTF8, "string field is not valid UTF-8");
    }
    if (err instanceof TypeError && /encoded data was not valid/i.test(err.message)) {
      throw new StarlingError(ErrorCode.INVALID_UTF8, "string field is not valid UTF-8");
    }
    throw new StarlingError(ErrorCode.BAD_FRAME, "malformed envelope");
  }
}

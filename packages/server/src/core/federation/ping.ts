import { invalid } from "../kernel/errors.js";
import { FEDERATION_LIMITS } from "../kernel/limits.js";
import type { Clock } from "../kernel/ports.js";
import type { FrameHandler } from "./inbox.js";

/** The frame kind that carries nothing but a text: an operator's check that a link works end to end. */
export const PING_KIND = "ping";

/** A ping's payload: its text as UTF-8, checked against the limit on both sides. */
export function pingPayload(body: string): Uint8Array {
  const bytes = new TextEncoder().encode(body);
  if (body.length === 0 || bytes.length > FEDERATION_LIMITS.pingBodyLength)
    throw invalid(`a ping is 1 to ${FEDERATION_LIMITS.pingBodyLength} bytes of text`, "body");
  return bytes;
}

/** Stores each ping received, so the operator (and the tests) can see what arrived, in order. */
export function pingHandler(clock: Clock): FrameHandler {
  return async (tx, peerDomain, seq, payload) => {
    if (payload.length > FEDERATION_LIMITS.pingBodyLength) throw invalid("the ping is too long", "body");
    let body: string;
    try {
      body = new TextDecoder("utf-8", { fatal: true }).decode(payload);
    } catch {
      throw invalid("a ping is UTF-8 text", "body");
    }
    await tx.insertFederationPing({ peerDomain, seq, body, receivedAt: clock.now() });
    return undefined;
  };
}

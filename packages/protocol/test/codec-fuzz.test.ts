import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decodeEnvelope, ErrorCode, encodeEnvelope, FrameDecoder, StarlingError } from "../src/index.js";

const PROTOCOL_CODES = new Set([ErrorCode.BAD_FRAME, ErrorCode.INVALID_UTF8, ErrorCode.FRAME_TOO_LARGE]);

/** Decoding anything either yields an envelope or a StarlingError with a protocol code. */
function decodesSafely(bytes: Uint8Array): void {
  try {
    decodeEnvelope(bytes);
  } catch (e) {
    assert.ok(e instanceof StarlingError, `unexpected ${String(e)}`);
    assert.ok(PROTOCOL_CODES.has(e.code), `unexpected code ${e.code}`);
  }
}

const valid = [
  encodeEnvelope({
    kind: {
      case: "request",
      value: {
        id: 7,
        body: {
          case: "hello",
          value: {
            minVersion: 1,
            maxVersion: 1,
            client: { platform: "node", deviceId: "d1" },
            auth: { case: "password", value: { userId: "alice", password: "pw" } },
          },
        },
      },
    },
  }),
  encodeEnvelope({
    kind: {
      case: "request",
      value: {
        id: 9,
        body: {
          case: "send",
          value: {
            conversationId: "g:abc",
            clientMsgId: "m1",
            content: {
              text: "你好 world",
              mentions: [{ userId: "bob", offset: 0, length: 2 }],
              replyToSeq: 3n,
            },
          },
        },
      },
    },
  }),
];

test("random bytes never crash the envelope decoder", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), decodesSafely), { numRuns: 20000 });
});

test("mutated valid envelopes never crash the envelope decoder", () => {
  const mutation = fc.record({
    base: fc.integer({ min: 0, max: valid.length - 1 }),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
    cut: fc.nat(),
  });
  fc.assert(
    fc.property(mutation, ({ base, flips, cut }) => {
      const src = valid[base] as Uint8Array;
      const b = Uint8Array.from(src);
      for (const [pos, val] of flips) b[pos % b.length] = val;
      decodesSafely(b.subarray(0, b.length - (cut % 4)));
    }),
    { numRuns: 20000 },
  );
});

test("random streams never crash the frame decoder", () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 16 }), (chunks) => {
      const dec = new FrameDecoder(256);
      try {
        for (const c of chunks) for (const f of dec.push(c)) decodesSafely(f);
      } catch (e) {
        assert.ok(e instanceof StarlingError);
        assert.ok(e.code === ErrorCode.BAD_FRAME || e.code === ErrorCode.FRAME_TOO_LARGE);
      }
    }),
    { numRuns: 10000 },
  );
});

test("invalid UTF-8 in a string field is reported as INVALID_UTF8", () => {
  // Envelope.request(1) { id(1)=1, ping... } with a hello whose device id holds 0xff.
  const bad = encodeEnvelope({
    kind: {
      case: "request",
      value: { id: 1, body: { case: "hello", value: { client: { deviceId: "AAAA" } } } },
    },
  });
  const i = Buffer.from(bad).indexOf("AAAA");
  bad[i] = 0xff;
  assert.throws(
    () => decodeEnvelope(bad),
    (e: unknown) => e instanceof StarlingError && e.code === ErrorCode.INVALID_UTF8,
  );
});

test("valid envelopes round-trip", () => {
  for (const v of valid) assert.deepEqual(encodeEnvelope(decodeEnvelope(v)), v);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ErrorCode, encodeFrame, FrameDecoder, StarlingError, varintLength } from "../src/index.js";

test("a frame round-trips whatever the chunking", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
      (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map((p) => encodeFrame(p)));
        const dec = new FrameDecoder(1024);
        const out: Uint8Array[] = [];
        let pos = 0;
        let i = 0;
        while (pos < stream.length) {
          const n = cuts[i++ % cuts.length] as number;
          out.push(...dec.push(stream.subarray(pos, pos + n)));
          pos += n;
        }
        assert.equal(out.length, payloads.length);
        out.forEach((f, k) => assert.deepEqual(Buffer.from(f), Buffer.from(payloads[k] as Uint8Array)));
        assert.equal(dec.pendingBytes, 0);
      },
    ),
    { numRuns: 2000 },
  );
});

test("an oversize length is refused before its body arrives", () => {
  const dec = new FrameDecoder(1000);
  const header = encodeFrame(new Uint8Array(1001)).subarray(0, varintLength(1001));
  assert.throws(
    () => dec.push(header),
    (e: unknown) => e instanceof StarlingError && e.code === ErrorCode.FRAME_TOO_LARGE,
  );
});

test("a length varint longer than five bytes is malformed", () => {
  const dec = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  assert.throws(
    () => dec.push(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])),
    (e: unknown) => e instanceof StarlingError && e.code === ErrorCode.BAD_FRAME,
  );
});

test("varintLength matches the encoder", () => {
  for (const n of [0, 1, 127, 128, 16383, 16384, 70000]) {
    assert.equal(encodeFrame(new Uint8Array(n)).length, n + varintLength(n));
  }
  assert.equal(varintLength(127), 1);
  assert.equal(varintLength(128), 2);
  assert.equal(varintLength(16384), 3);
});

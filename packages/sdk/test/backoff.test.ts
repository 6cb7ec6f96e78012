import assert from "node:assert/strict";
import { test } from "node:test";
import { Backoff } from "../src/backoff.js";

test("grows exponentially up to the maximum", () => {
  const b = new Backoff({ minDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
  assert.deepEqual(
    Array.from({ length: 6 }, () => b.next()),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(b.attempts, 6);
});

test("reset starts over from the minimum", () => {
  const b = new Backoff({ minDelayMs: 100, jitter: 0 });
  b.next();
  b.next();
  b.reset();
  assert.equal(b.next(), 100);
});

test("jitter takes off up to its fraction of the delay", () => {
  const low = new Backoff({ minDelayMs: 1000, jitter: 0.5 }, () => 0.999999);
  const high = new Backoff({ minDelayMs: 1000, jitter: 0.5 }, () => 0);
  assert.equal(low.next(), 500);
  assert.equal(high.next(), 1000);
  for (let i = 0; i < 100; i++) {
    const d = new Backoff({ minDelayMs: 1000, jitter: 0.5 }).next();
    assert.ok(d >= 500 && d <= 1000, String(d));
  }
});

test("delayFor does not count as an attempt", () => {
  const b = new Backoff({ minDelayMs: 10, jitter: 0 });
  assert.equal(b.delayFor(3), 80);
  assert.equal(b.attempts, 0);
});

test("nonsense options are clamped", () => {
  const b = new Backoff({ minDelayMs: 50, maxDelayMs: 10, factor: 0.5, jitter: 7 }, () => 0);
  assert.equal(b.next(), 50);
  assert.equal(b.next(), 50);
});

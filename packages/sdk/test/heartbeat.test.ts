import assert from "node:assert/strict";
import { test } from "node:test";
import { Heartbeat } from "../src/heartbeat.js";
import { FakeTimers } from "./fake-timers.js";

function setup(intervalMs = 1000) {
  const timers = new FakeTimers();
  const log = { pings: 0, dead: 0, deadAt: -1 };
  const hb = new Heartbeat({
    intervalMs,
    timers,
    sendPing: () => log.pings++,
    onDead: () => {
      log.dead++;
      log.deadAt = timers.now();
    },
  });
  return { timers, log, hb };
}

test("pings at least once per interval", () => {
  const { timers, log, hb } = setup();
  hb.start();
  for (let i = 0; i < 10; i++) {
    timers.advance(1000);
    hb.received();
  }
  assert.ok(log.pings >= 10, String(log.pings));
  assert.equal(log.dead, 0);
  hb.stop();
  assert.equal(timers.pending, 0);
});

test("a link silent for two intervals from the start is dead", () => {
  const { timers, log, hb } = setup();
  hb.start();
  timers.advance(1999);
  assert.equal(log.dead, 0);
  timers.advance(1);
  assert.equal(log.dead, 1);
});

test("dead exactly two intervals after the last frame, wherever it fell between pings", () => {
  for (const lastAt of [1, 799, 801, 1599, 1601, 2300]) {
    const { timers, log, hb } = setup();
    hb.start();
    for (let t = 0; t < lastAt; t += 100) {
      timers.advance(Math.min(100, lastAt - t));
      hb.received();
    }
    assert.equal(timers.now(), lastAt);
    timers.advance(1999);
    assert.equal(log.dead, 0, `last frame at ${lastAt}`);
    timers.advance(1);
    assert.equal(log.dead, 1, `last frame at ${lastAt}`);
    assert.equal(log.deadAt, lastAt + 2000);
    // Once dead it stops: no more pings, no second onDead.
    const pings = log.pings;
    timers.advance(10_000);
    assert.equal(log.dead, 1);
    assert.equal(log.pings, pings);
    assert.equal(timers.pending, 0);
  }
});

test("any frame keeps the link alive", () => {
  const { timers, log, hb } = setup();
  hb.start();
  timers.advance(800);
  timers.advance(1100);
  hb.received();
  timers.advance(1900);
  hb.received();
  timers.advance(1900);
  assert.equal(log.dead, 0);
  assert.ok(log.pings >= 5);
});

test("stop cancels everything", () => {
  const { timers, log, hb } = setup();
  hb.start();
  timers.advance(800);
  hb.stop();
  timers.advance(10_000);
  assert.equal(log.dead, 0);
  assert.equal(log.pings, 1);
  assert.equal(timers.pending, 0);
});

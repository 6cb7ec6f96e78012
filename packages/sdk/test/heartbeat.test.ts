import assert from "node:assert/strict";
import { test } from "node:test";
import { Heartbeat } from "../src/heartbeat.js";
import { FakeTimers } from "./fake-timers.js";

function setup(intervalMs = 1000) {
  const timers = new FakeTimers();
  const log = { pings: 0, dead: 0 };
  const hb = new Heartbeat({
    intervalMs,
    timers,
    sendPing: () => log.pings++,
    onDead: () => log.dead++,
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

test("a link silent for two intervals after a ping is dead", () => {
  const { timers, log, hb } = setup();
  hb.start();
  timers.advance(800); // first ping
  assert.equal(log.pings, 1);
  timers.advance(1999);
  assert.equal(log.dead, 0);
  timers.advance(1);
  assert.equal(log.dead, 1);
});

test("any frame after a ping keeps the link alive", () => {
  const { timers, log, hb } = setup();
  hb.start();
  timers.advance(800);
  timers.advance(1500);
  hb.received();
  timers.advance(1500);
  assert.equal(log.dead, 0);
});

test("stop cancels everything", () => {
  const { timers, log, hb } = setup();
  hb.start();
  timers.advance(800);
  hb.stop();
  timers.advance(10_000);
  assert.equal(log.dead, 0);
  assert.equal(log.pings, 1);
});

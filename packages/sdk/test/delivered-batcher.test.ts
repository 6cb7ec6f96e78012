import assert from "node:assert/strict";
import { test } from "node:test";
import { DeliveredBatcher } from "../src/delivered-batcher.js";
import { FakeTimers } from "./fake-timers.js";

test("one mark per conversation per batch, with the highest seq", async () => {
  const timers = new FakeTimers();
  const marks: string[] = [];
  const b = new DeliveredBatcher(100, timers, async (id, seq) => {
    marks.push(`${id}:${seq}`);
  });
  b.note("c1", 1);
  b.note("c1", 3);
  b.note("c1", 2);
  b.note("c2", 5);
  assert.deepEqual(marks, []);
  timers.advance(100);
  await Promise.resolve();
  assert.deepEqual(marks.sort(), ["c1:3", "c2:5"]);
  b.note("c1", 3);
  assert.equal(b.size, 0);
});

test("a failed mark is kept for the next flush", async () => {
  const timers = new FakeTimers();
  let fail = true;
  const marks: number[] = [];
  const b = new DeliveredBatcher(100, timers, async (_id, seq) => {
    if (fail) throw new Error("offline");
    marks.push(seq);
  });
  b.note("c1", 4);
  await b.flush();
  assert.equal(b.size, 1);
  fail = false;
  await b.flush();
  assert.deepEqual(marks, [4]);
  assert.equal(b.size, 0);
});

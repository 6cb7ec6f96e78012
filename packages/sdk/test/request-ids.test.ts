import assert from "node:assert/strict";
import { test } from "node:test";
import { RequestIdAllocator } from "../src/request-ids.js";

test("starts at 1 and counts up", () => {
  const a = new RequestIdAllocator();
  const used = new Set<number>();
  assert.deepEqual([a.allocate(used), a.allocate(used), a.allocate(used)], [1, 2, 3]);
});

test("skips ids still in flight", () => {
  const a = new RequestIdAllocator();
  const used = new Set([1, 2, 4]);
  assert.equal(a.allocate(used), 3);
  assert.equal(a.allocate(used), 5);
});

test("wraps around after 2^32-1 without ever giving 0", () => {
  const a = new RequestIdAllocator(0xffff_fffe);
  const used = new Set([1]);
  assert.deepEqual([a.allocate(used), a.allocate(used), a.allocate(used)], [0xffff_fffe, 0xffff_ffff, 2]);
});

test("an invalid first id falls back to 1", () => {
  assert.equal(new RequestIdAllocator(0).allocate(new Set()), 1);
});

test("refuses when every id is taken", () => {
  const a = new RequestIdAllocator();
  assert.throws(() => a.allocate({ has: () => true, size: 0xffff_ffff }), RangeError);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { Emitter } from "../src/emitter.js";

interface Events {
  a: number;
  b: string;
}

test("calls listeners in order with the payload", () => {
  const e = new Emitter<Events>();
  const got: string[] = [];
  e.on("a", (n) => got.push(`1:${n}`));
  e.on("a", (n) => got.push(`2:${n}`));
  e.on("b", (s) => got.push(`b:${s}`));
  e.emit("a", 7);
  e.emit("b", "x");
  assert.deepEqual(got, ["1:7", "2:7", "b:x"]);
});

test("on returns an unsubscribe function; off removes", () => {
  const e = new Emitter<Events>();
  let n = 0;
  const off = e.on("a", () => n++);
  const listener = () => n++;
  e.on("a", listener);
  e.emit("a", 0);
  off();
  e.off("a", listener);
  e.emit("a", 0);
  assert.equal(n, 2);
  assert.equal(e.listenerCount("a"), 0);
});

test("once fires a single time", () => {
  const e = new Emitter<Events>();
  let n = 0;
  e.once("a", () => n++);
  e.emit("a", 1);
  e.emit("a", 2);
  assert.equal(n, 1);
});

test("a throwing listener does not stop the others", () => {
  const errors: unknown[] = [];
  const e = new Emitter<Events>((err, event) => errors.push([event, (err as Error).message]));
  let reached = false;
  e.on("a", () => {
    throw new Error("boom");
  });
  e.on("a", () => {
    reached = true;
  });
  e.emit("a", 1);
  assert.equal(reached, true);
  assert.deepEqual(errors, [["a", "boom"]]);
});

test("listeners added during emit wait for the next emit", () => {
  const e = new Emitter<Events>();
  let late = 0;
  e.on("a", () => {
    e.on("a", () => late++);
  });
  e.emit("a", 1);
  assert.equal(late, 0);
  e.emit("a", 2);
  assert.equal(late, 1);
});

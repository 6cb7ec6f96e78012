import assert from "node:assert/strict";
import { test } from "node:test";
import { CoalescingRunner } from "../src/coalescing-runner.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test("calls during a run share one follow-up run", async () => {
  const gates = [deferred(), deferred()];
  let runs = 0;
  const r = new CoalescingRunner(async () => {
    const n = runs++;
    await gates[n]?.promise;
    return n;
  });
  const first = r.run();
  const second = r.run();
  const third = r.run();
  assert.equal(second, third);
  assert.equal(runs, 1);
  gates[0]?.resolve();
  assert.equal(await first, 0);
  gates[1]?.resolve();
  assert.equal(await second, 1);
  assert.equal(runs, 2);
  assert.equal(r.busy, false);
});

test("a failed run does not block the next", async () => {
  let n = 0;
  const r = new CoalescingRunner(async () => {
    if (n++ === 0) throw new Error("first fails");
    return n;
  });
  const a = r.run();
  const b = r.run();
  await assert.rejects(a, /first fails/);
  assert.equal(await b, 2);
});

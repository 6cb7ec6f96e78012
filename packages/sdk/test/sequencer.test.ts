import assert from "node:assert/strict";
import { test } from "node:test";
import { ConversationSequencer } from "../src/sequencer.js";
import { msg, seqs } from "./messages.js";

test("hands out the next seq at once and drops duplicates", () => {
  const s = new ConversationSequencer(0);
  assert.deepEqual(seqs(s.offer(msg(1))), [1]);
  assert.deepEqual(seqs(s.offer(msg(1))), []);
  assert.deepEqual(seqs(s.offer(msg(2))), [2]);
  assert.equal(s.seen, 2);
  assert.equal(s.gap(), null);
});

test("drops what is at or below the baseline", () => {
  const s = new ConversationSequencer(10);
  assert.deepEqual(seqs(s.offer(msg(9))), []);
  assert.deepEqual(seqs(s.offer(msg(10))), []);
  assert.deepEqual(seqs(s.offer(msg(11))), [11]);
});

test("buffers early messages and reports the gap before them", () => {
  const s = new ConversationSequencer(1);
  assert.deepEqual(seqs(s.offer(msg(4))), []);
  assert.deepEqual(seqs(s.offer(msg(6))), []);
  assert.deepEqual(s.gap(), { after: 1, until: 3 });
  assert.deepEqual(seqs(s.offer(msg(2))), [2]);
  assert.deepEqual(s.gap(), { after: 2, until: 3 });
  assert.deepEqual(seqs(s.offer(msg(3))), [3, 4]);
  assert.deepEqual(s.gap(), { after: 4, until: 5 });
  assert.deepEqual(seqs(s.offer(msg(5))), [5, 6]);
  assert.equal(s.gap(), null);
  assert.equal(s.buffered, 0);
});

test("a raised target without pushes is a gap up to the target", () => {
  const s = new ConversationSequencer(3);
  s.raiseTarget(7);
  assert.deepEqual(s.gap(), { after: 3, until: 7 });
  s.raiseTarget(5);
  assert.equal(s.target, 7);
});

test("a history page fills the gap and releases buffered messages in order", () => {
  const s = new ConversationSequencer(0);
  s.offer(msg(4));
  const { ready, progressed } = s.applyPage(0, [msg(2), msg(1), msg(3)], true);
  assert.deepEqual(seqs(ready), [1, 2, 3, 4]);
  assert.equal(progressed, true);
  assert.equal(s.gap(), null);
});

test("seqs the history skips are not waited for", () => {
  const s = new ConversationSequencer(0);
  s.raiseTarget(10);
  // Joined at 7: the server shows nothing before it.
  const { ready } = s.applyPage(0, [msg(7), msg(8), msg(10)], false);
  assert.deepEqual(seqs(ready), [7, 8, 10]);
  assert.equal(s.seen, 10);
  assert.equal(s.gap(), null);
});

test("an empty last page skips to the target when nothing was pushed beyond", () => {
  const s = new ConversationSequencer(5);
  s.raiseTarget(8);
  const { ready, progressed } = s.applyPage(5, [], false);
  assert.deepEqual(ready, []);
  assert.equal(progressed, true);
  assert.equal(s.seen, 8);
});

test("a page that misses a pushed message does not skip past it", () => {
  const s = new ConversationSequencer(5);
  s.offer(msg(9));
  const { ready, progressed } = s.applyPage(5, [], false);
  assert.deepEqual(ready, []);
  assert.equal(progressed, false);
  assert.deepEqual(s.gap(), { after: 5, until: 8 });
});

test("skipping still hands out buffered messages inside the range", () => {
  const s = new ConversationSequencer(0);
  s.offer(msg(3));
  s.offer(msg(5));
  assert.deepEqual(seqs(s.skipTo(4)), [3, 5]);
  assert.equal(s.seen, 5);
});

test("a stale page (seen moved on meanwhile) adds nothing twice", () => {
  const s = new ConversationSequencer(0);
  s.raiseTarget(3);
  s.offer(msg(1));
  s.offer(msg(2));
  const { ready } = s.applyPage(0, [msg(1), msg(2), msg(3)], false);
  assert.deepEqual(seqs(ready), [3]);
});

test("every seq exactly once, in order, whatever the arrival order", () => {
  const n = 50;
  for (let round = 0; round < 20; round++) {
    const s = new ConversationSequencer(0);
    const order = Array.from({ length: n }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    const out: number[] = [];
    for (const seq of [...order, ...order.slice(0, 10)]) out.push(...seqs(s.offer(msg(seq))));
    assert.deepEqual(
      out,
      Array.from({ length: n }, (_, i) => i + 1),
    );
  }
});

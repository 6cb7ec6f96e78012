import assert from "node:assert/strict";
import { test } from "node:test";
import { PendingSends } from "../src/pending-sends.js";

function ids<T>(q: PendingSends<T>, now = 0, max = 10): string[] {
  const out: string[] = [];
  for (;;) {
    const e = q.next(now, max);
    if (e === undefined) return out;
    q.transmit(e);
    out.push(e.clientMsgId);
  }
}

test("sends in the order added, up to the in-flight limit", () => {
  const q = new PendingSends<null>();
  for (const id of ["a", "b", "c", "d"]) q.add(id, null);
  assert.deepEqual(ids(q, 0, 3), ["a", "b", "c"]);
  assert.equal(q.inflight, 3);
  q.remove(q.get("a")!);
  assert.deepEqual(ids(q, 0, 3), ["d"]);
});

test("after a drop everything unacknowledged goes again, in order, before new sends", () => {
  const q = new PendingSends<null>();
  for (const id of ["a", "b", "c"]) q.add(id, null);
  ids(q);
  q.remove(q.get("a")!);
  q.requeueInflight();
  q.add("d", null);
  assert.deepEqual(ids(q), ["b", "c", "d"]);
});

test("answers to an earlier transmission are recognised as stale", () => {
  const q = new PendingSends<null>();
  const e = q.add("a", null);
  const first = q.transmit(e);
  q.requeueInflight();
  const second = q.transmit(e);
  assert.equal(q.isCurrent(e, first), false);
  assert.equal(q.isCurrent(e, second), true);
  q.remove(e);
  assert.equal(q.isCurrent(e, second), false);
});

test("a deferred send holds back the ones behind it", () => {
  const q = new PendingSends<null>();
  for (const id of ["a", "b"]) q.add(id, null);
  const a = q.next(0, 1)!;
  q.transmit(a);
  q.defer(a, 100);
  assert.equal(a.retries, 1);
  assert.equal(q.next(50, 10), undefined);
  assert.equal(q.wakeAt(50), 100);
  assert.deepEqual(ids(q, 100), ["a", "b"]);
  assert.equal(q.wakeAt(100), undefined);
});

test("client_msg_ids are unique in the queue", () => {
  const q = new PendingSends<number>();
  q.add("a", 1);
  assert.throws(() => q.add("a", 2));
  assert.equal(q.get("a")?.payload, 1);
});

test("drain empties the queue in order", () => {
  const q = new PendingSends<number>();
  q.add("a", 1);
  q.add("b", 2);
  assert.deepEqual(
    q.drain().map((e) => e.payload),
    [1, 2],
  );
  assert.equal(q.size, 0);
  assert.equal(q.get("a"), undefined);
});

test("only a send never transmitted can be cancelled", () => {
  const q = new PendingSends<number>();
  q.add("a", 1);
  q.add("b", 2);
  q.add("c", 3);
  const a = q.next(0, 1)!;
  q.transmit(a);
  // On the wire: the server may store it.
  assert.equal(q.cancel("a"), undefined);
  // Its link died and it waits again: still possibly stored.
  q.requeueInflight();
  assert.equal(q.cancel("a"), undefined);
  assert.equal(q.cancel("b")?.payload, 2);
  assert.equal(q.cancel("b"), undefined, "gone");
  assert.equal(q.cancel("nope"), undefined);
  assert.deepEqual(
    q.list().map((e) => e.clientMsgId),
    ["a", "c"],
  );
});

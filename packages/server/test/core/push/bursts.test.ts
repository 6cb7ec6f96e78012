import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import { type BurstNote, Bursts } from "../../../src/core/push/bursts.js";

const note = (seq: number, deviceId = "d1", conversationId = "c1"): BurstNote<string> => ({
  deviceId,
  conversationId,
  seq,
  value: `m${seq}`,
});

describe("bursts per device and conversation", () => {
  let trailing: { newest: number; count: number }[];
  let bursts: Bursts<string>;

  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout"] });
    trailing = [];
    bursts = new Bursts<string>(5000, 10, (newest, _held, count) =>
      trailing.push({ newest: newest.seq, count }),
    );
  });
  afterEach(() => {
    bursts.close();
    mock.timers.reset();
  });

  test("the first notifies at once, the next nine are one trailing notification counting them", () => {
    assert.equal(bursts.offer(note(1)), true);
    for (let seq = 2; seq <= 10; seq++) assert.equal(bursts.offer(note(seq)), false);
    assert.deepEqual(trailing, []);
    mock.timers.tick(5000);
    assert.deepEqual(trailing, [{ newest: 10, count: 9 }]);
    mock.timers.tick(5000);
    assert.equal(bursts.size, 0, "a window with nothing held closes the burst");
    assert.equal(bursts.offer(note(11)), true);
  });

  test("other devices and conversations have bursts of their own", () => {
    assert.equal(bursts.offer(note(1, "d1", "c1")), true);
    assert.equal(bursts.offer(note(1, "d2", "c1")), true);
    assert.equal(bursts.offer(note(1, "d1", "c2")), true);
  });

  test("a recalled message is withdrawn from what is held; with nothing left there is no trailing one", () => {
    bursts.offer(note(1));
    bursts.offer(note(2));
    bursts.offer(note(3));
    bursts.withdraw("c1", 3);
    mock.timers.tick(5000);
    assert.deepEqual(trailing, [{ newest: 2, count: 1 }]);
    bursts.offer(note(4));
    bursts.withdraw("c1", 4);
    mock.timers.tick(5000);
    assert.equal(trailing.length, 1);
  });

  test("what a device holds is dropped once its user read the conversation", () => {
    bursts.offer(note(1));
    bursts.offer(note(2));
    bursts.drop("d1", "c1");
    mock.timers.tick(5000);
    assert.deepEqual(trailing, []);
  });

  test("beyond the bursts it may keep open, messages notify uncollapsed", () => {
    for (let i = 0; i < 10; i++) assert.equal(bursts.offer(note(1, `d${i}`)), true);
    assert.equal(bursts.offer(note(1, "d-extra")), true);
    assert.equal(bursts.offer(note(2, "d-extra")), true);
  });
});

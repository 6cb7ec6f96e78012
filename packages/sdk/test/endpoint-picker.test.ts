import assert from "node:assert/strict";
import { test } from "node:test";
import { CloseCode } from "@starling/protocol";
import type { Connection } from "../src/connection.js";
import { EndpointPicker } from "../src/endpoint-picker.js";
import { Supervisor } from "../src/supervisor.js";
import type { TransportClose } from "../src/transport.js";
import { FakeTimers } from "./fake-timers.js";

/** A small seeded generator, so the statistics below are the same on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function firstChoices(picker: EndpointPicker, draws: number, count: number): number[] {
  const firsts = new Array<number>(count).fill(0);
  for (let i = 0; i < draws; i++) {
    const k = picker.order()[0] as number;
    firsts[k] = (firsts[k] ?? 0) + 1;
  }
  return firsts;
}

test("healthy endpoints are chosen first about equally often, not always the first one", () => {
  const timers = new FakeTimers();
  const picker = new EndpointPicker(3, { now: () => timers.now(), random: seeded(1) });
  const firsts = firstChoices(picker, 3000, 3);
  for (const n of firsts) assert.ok(n > 850 && n < 1150, `first choices ${firsts}`);
});

test("every order holds each endpoint once", () => {
  const picker = new EndpointPicker(4, { now: () => 0, random: seeded(2) });
  for (let i = 0; i < 50; i++) assert.deepEqual([...picker.order()].sort(), [0, 1, 2, 3]);
});

test("recent failures lower an endpoint's weight, and the penalty fades with time", () => {
  const timers = new FakeTimers();
  const picker = new EndpointPicker(2, { now: () => timers.now(), random: seeded(3), halfLifeMs: 10_000 });
  picker.failed(0);
  picker.failed(0);
  assert.ok(picker.weight(0) < 0.2, `weight ${picker.weight(0)}`);
  assert.equal(picker.weight(1), 1);
  const [sick, healthy] = firstChoices(picker, 2000, 2);
  assert.ok((sick as number) < (healthy as number) / 4, `first choices ${sick} vs ${healthy}`);

  timers.advance(100_000);
  assert.ok(picker.weight(0) > 0.99, "forgotten after many half-lives");
  picker.failed(1);
  picker.succeeded(1);
  assert.equal(picker.weight(1), 1, "a success forgives");
});

test("the weights decide the draw: the random number falls into an endpoint's share", () => {
  const timers = new FakeTimers();
  let r = 0;
  const picker = new EndpointPicker(2, { now: () => timers.now(), random: () => r });
  picker.failed(0); // weight 1/4 against 1
  r = 0.1; // 0.1 * 1.25 = 0.125 < 0.25: endpoint 0
  assert.equal(picker.order()[0], 0);
  r = 0.3; // 0.375 >= 0.25: endpoint 1
  assert.equal(picker.order()[0], 1);
});

test("the node that asked a client to move is tried last", () => {
  const picker = new EndpointPicker(3, { now: () => 0, random: seeded(4) });
  for (let i = 0; i < 50; i++) assert.equal(picker.order(1)[2], 1);
});

/** The least of a Connection that the supervisor uses. */
function fakeConnection(endpoint: string, onClose: (info: TransportClose) => void) {
  const conn = { endpoint, closed: false, closeError: null, close: async () => {} };
  return { conn: conn as unknown as Connection, drop: (code: number) => onClose({ code, reason: "" }) };
}

test("on MOVE_ELSEWHERE the client reconnects at once to another endpoint", async () => {
  const timers = new FakeTimers();
  const opened: { endpoint: string; drop: (code: number) => void }[] = [];
  const connected: string[] = [];
  const supervisor = new Supervisor({
    endpoints: ["tls://a", "tls://b"],
    reconnect: { minDelayMs: 100, maxDelayMs: 60_000, jitter: 0 },
    timers,
    random: () => 0, // always the first of those left: a, unless it is to be avoided
    open: async (endpoint, onClose) => {
      const f = fakeConnection(endpoint, onClose);
      opened.push({ endpoint, drop: f.drop });
      return f.conn;
    },
    connected: (conn) => connected.push((conn as unknown as { endpoint: string }).endpoint),
    disconnected: () => {},
    fatal: (err) => assert.fail(err),
  });
  await supervisor.start();
  assert.deepEqual(connected, ["tls://a"]);
  supervisor.stable();

  opened[0]?.drop(CloseCode.MOVE_ELSEWHERE);
  timers.advance(100); // the shortest delay, not a grown backoff
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(connected, ["tls://a", "tls://b"], "moved to the other node");

  opened[1]?.drop(CloseCode.MOVE_ELSEWHERE);
  timers.advance(100);
  await new Promise((r) => setImmediate(r));
  assert.equal(connected[2], "tls://a", "b asked too, so a it is");
  await supervisor.stop();
});

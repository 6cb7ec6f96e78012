import assert from "node:assert/strict";
import { test } from "node:test";
import { CloseCode } from "@starling/protocol";
import { Rebalancer } from "../../src/doors/native/rebalancer.js";
import type { Session } from "../../src/doors/native/session.js";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const INTERVAL = 1000;

/** A node with `local` sessions and the other nodes' counts as their heartbeats said. */
function node(local: number, others: Record<string, number>) {
  let now = 0;
  const closed: { login: string; code: number }[] = [];
  type Fake = { openedAt: number; tokenHash: string; close(code: number): void };
  let sessions: Fake[] = [];
  const join = (login: string) => {
    {
      const s: Fake = {
        openedAt: now,
        tokenHash: login,
        close: (code: number) => {
          closed.push({ login, code });
          sessions = sessions.filter((x) => x !== s);
        },
      };
      sessions.push(s);
    }
  };
  for (let i = 0; i < local; i++) join(`s${i}`);
  const loads = new Map(Object.entries(others));
  const r = new Rebalancer(
    { readySessions: () => sessions as unknown as Session[] },
    { reportLoad: (n) => loads.set("self", n), loads: () => loads },
    { now: () => now },
    silent,
    { intervalMs: INTERVAL, tolerancePercent: 25, batch: 3, staleMs: 5000 },
  );
  r.stop(); // driven by hand
  return {
    r,
    closed,
    loads,
    join,
    get local() {
      return sessions.length;
    },
    advance(ms: number) {
      now += ms;
      r.tick();
    },
  };
}

test("a node within its share moves nobody", () => {
  const n = node(12, { other: 10 });
  for (let i = 0; i < 10; i++) n.advance(INTERVAL);
  assert.equal(n.closed.length, 0);
});

test("a node far above its share moves a batch per interval, with MOVE_ELSEWHERE, down to its share", () => {
  const n = node(20, { other: 0 });
  n.advance(INTERVAL);
  assert.equal(n.closed.length, 3, "one batch");
  assert.ok(n.closed.every((c) => c.code === CloseCode.MOVE_ELSEWHERE));
  n.advance(INTERVAL / 2);
  assert.equal(n.closed.length, 3, "no more before the next interval");
  // The moved clients show up on the other node, as its heartbeats say.
  for (let i = 0; i < 10; i++) {
    n.loads.set("other", 20 - n.local);
    n.advance(INTERVAL);
  }
  assert.equal(n.local, 10, "back at its fair share, not below");
});

test("clients moved recently count as elsewhere while the other node's count lags", () => {
  const n = node(20, { other: 0 });
  // The other node's heartbeat never catches up within the window: the node must not drain itself.
  for (let i = 0; i < 4; i++) n.advance(INTERVAL);
  assert.ok(n.local >= 10, `kept ${n.local}`);
});

test("a login is asked once: a client that comes straight back stays", () => {
  const n = node(10, { other: 0 });
  n.advance(INTERVAL);
  const first = n.closed.map((c) => c.login);
  assert.equal(first.length, 3);
  // They come back with the same logins (a single endpoint).
  for (const login of first) n.join(login);
  for (let i = 0; i < 10; i++) n.advance(INTERVAL);
  const again = n.closed.slice(3).map((c) => c.login);
  assert.ok(again.length > 0, "others were asked");
  for (const login of first) assert.ok(!again.includes(login), `${login} asked twice`);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { create, HistoryResultSchema, type Message } from "@starling/protocol";
import { ConnectionClosedError } from "../src/client-errors.js";
import { Inbox, type InboxOptions } from "../src/inbox.js";
import { FakeTimers } from "./fake-timers.js";
import { msg, seqs } from "./messages.js";

/** A server-side log of one conversation, served by history pages. */
function setup(opts: Partial<InboxOptions> & { stored?: number } = {}) {
  const timers = new FakeTimers();
  const delivered: Message[] = [];
  const fetches: string[] = [];
  let stored = opts.stored ?? 0;
  let offline = false;
  const inbox = new Inbox({
    seen: {},
    fresh: false,
    catchUpFromStart: false,
    fetchHistory: async (id, after, limit) => {
      fetches.push(`${id}>${after}#${limit}`);
      if (offline) throw new ConnectionClosedError(0, "down");
      const messages = [];
      for (let s = after + 1; s <= Math.min(stored, after + limit); s++) messages.push(msg(s, id));
      return create(HistoryResultSchema, { messages, hasMore: after + limit < stored });
    },
    deliver: (ms) => delivered.push(...ms),
    onError: () => {},
    retry: { minDelayMs: 10, jitter: 0 },
    timers,
    ...opts,
  });
  return {
    inbox,
    timers,
    delivered,
    fetches,
    store: (n: number) => {
      stored = n;
    },
    setOffline: (v: boolean) => {
      offline = v;
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

test("a push for an unknown conversation is wanted from seq 1", () => {
  const { inbox, delivered } = setup();
  inbox.push(msg(1));
  inbox.push(msg(2));
  assert.deepEqual(seqs(delivered), [1, 2]);
  assert.deepEqual(inbox.seen(), { c1: 2 });
});

test("a gap is fetched after a short grace, then delivered in order", async () => {
  const { inbox, delivered, timers, fetches } = setup({ stored: 4 });
  inbox.learn("c1", 1);
  inbox.push(msg(1));
  inbox.push(msg(4));
  assert.deepEqual(seqs(delivered), [1]);
  timers.advance(100);
  await flush();
  assert.deepEqual(fetches, ["c1>1#2"]);
  assert.deepEqual(seqs(delivered), [1, 2, 3, 4]);
});

test("a push that arrives within the grace needs no fetch", async () => {
  const { inbox, delivered, timers, fetches } = setup({ stored: 3 });
  inbox.learn("c1", 1);
  inbox.push(msg(1));
  inbox.push(msg(3));
  inbox.push(msg(2));
  timers.advance(100);
  await flush();
  assert.deepEqual(fetches, []);
  assert.deepEqual(seqs(delivered), [1, 2, 3]);
});

test("a fresh device starts each listed conversation at its last seq", async () => {
  const { inbox, delivered } = setup({ fresh: true, stored: 5 });
  inbox.push(msg(5)); // arrives before the first sync finished: held
  inbox.push(msg(6));
  assert.deepEqual(delivered, []);
  inbox.learn("c1", 5);
  inbox.listed();
  assert.deepEqual(seqs(delivered), [6]);
  await inbox.catchUp();
  assert.deepEqual(seqs(delivered), [6]);
});

test("catchUpFromStart replays listed conversations from seq 1", async () => {
  const { inbox, delivered } = setup({ fresh: true, catchUpFromStart: true, stored: 3 });
  inbox.learn("c1", 3);
  inbox.listed();
  await inbox.catchUp();
  assert.deepEqual(seqs(delivered), [1, 2, 3]);
});

test("after the first sync, a newly listed conversation starts at seq 1", async () => {
  const { inbox, delivered } = setup({ fresh: true, stored: 2 });
  inbox.listed();
  inbox.learn("c1", 2);
  await inbox.catchUp();
  assert.deepEqual(seqs(delivered), [1, 2]);
});

test("a conversation noted while the first sync runs starts at 1 unless listed", async () => {
  const { inbox } = setup({ fresh: true });
  inbox.noteConversation("new");
  inbox.noteConversation("old");
  inbox.learn("old", 40);
  inbox.listed();
  assert.deepEqual(inbox.seen(), { old: 40, new: 0 });
});

test("catch-up pages through long ranges", async () => {
  const { inbox, delivered, fetches } = setup({ seen: { c1: 10 }, stored: 460 });
  inbox.learn("c1", 460);
  await inbox.catchUp();
  assert.equal(delivered.length, 450);
  assert.deepEqual(
    seqs(delivered),
    Array.from({ length: 450 }, (_, i) => i + 11),
  );
  assert.deepEqual(fetches, ["c1>10#200", "c1>210#200", "c1>410#50"]);
});

test("catch-up fails when the connection drops and resumes later", async () => {
  const { inbox, delivered, setOffline } = setup({ seen: { c1: 0 }, stored: 3 });
  inbox.learn("c1", 3);
  setOffline(true);
  await assert.rejects(inbox.catchUp(), ConnectionClosedError);
  assert.deepEqual(delivered, []);
  setOffline(false);
  await inbox.catchUp();
  assert.deepEqual(seqs(delivered), [1, 2, 3]);
});

test("a range the server refuses for good is skipped and reported", async () => {
  const errors: Error[] = [];
  const { inbox, delivered } = setup({
    seen: { c1: 0 },
    onError: (e) => errors.push(e),
    fetchHistory: async () => {
      throw new (await import("@starling/protocol")).StarlingError(3004, "not a member");
    },
  });
  inbox.learn("c1", 2);
  inbox.push(msg(3));
  await inbox.catchUp();
  assert.deepEqual(seqs(delivered), [3]);
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? "", /1\.\.2/);
});

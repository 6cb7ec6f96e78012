import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, SendMessageSchema } from "@starling/protocol";
import {
  EMPTY_PROFILE,
  LOOPBACK_ANY_PORT,
  loadConfig,
  type PushNotification,
  type PushProvider,
  type RunningServer,
  startServer,
} from "@starling/server";
import type { BenchOptions } from "../lib/args.js";
import type { RunContext } from "../lib/harness.js";
import { fmt, type Row, type ScenarioReport } from "../lib/report.js";

const DEVICES = 10_000;
const PER_TRANSACTION = 2000;
/** Group messages per ack-latency round, and 1:1 messages. */
const GROUP_SENDS = 10;
const DIRECT_SENDS = 300;

/** Acks at once and counts what it was given: the provider costs nothing, the server is measured. */
class CountingProvider implements PushProvider {
  readonly name = "bench";
  count = 0;
  private waiter: { n: number; done: () => void } | undefined;

  async send(_t: unknown, _n: PushNotification): Promise<{ ok: true }> {
    this.count++;
    if (this.waiter && this.count >= this.waiter.n) {
      this.waiter.done();
      this.waiter = undefined;
    }
    return { ok: true };
  }

  reached(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((done) => {
      this.waiter = { n, done };
    });
  }
}

interface World {
  server: RunningServer;
  provider: CountingProvider;
  group: string;
  sender: string;
  peer: string;
  /** Sends so far, for client message ids. */
  sent: number;
  close(): Promise<void>;
}

/**
 * A server in this process with one group of DEVICES + 1 members, every member but the sender
 * offline with one registered device, written straight into the store (thousands of
 * registrations through the API would measure the API). `push` off: no provider at all.
 */
async function world(push: boolean): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), "starling-bench-push-"));
  const config = loadConfig({
    env: {},
    flags: {
      dataDir,
      ...LOOPBACK_ANY_PORT,
      "log.level": "silent",
      durability: "normal",
      "limits.groupMaxMembers": DEVICES + 1,
      "push.ratePerSecond": 1_000_000,
      "push.queueLimit": 10 * DEVICES * GROUP_SENDS,
      "push.mentionsOnlyAbove": 0,
      "push.collapseMs": 0,
    },
  });
  const provider = new CountingProvider();
  const server = await startServer(config, undefined, { push: { providers: push ? [provider] : [] } });
  const domain = config.domain;
  const id = (i: number) => `m${i}@${domain}`;
  const now = Date.now();
  const group = "g:benchpush0001";
  for (let first = 0; first <= DEVICES; first += PER_TRANSACTION) {
    await server.store.transaction(async (tx) => {
      if (first === 0)
        await tx.insertConversation({
          id: group,
          kind: "group",
          domain,
          name: "everyone",
          lastSeq: 0,
          memberCount: DEVICES + 1,
          memberVersion: 1,
          disbanded: false,
          createdAt: now,
          version: await tx.nextVersions(1),
        });
      for (let i = first; i < Math.min(DEVICES + 1, first + PER_TRANSACTION); i++) {
        await tx.insertUser({
          ...EMPTY_PROFILE,
          id: id(i),
          domain,
          displayName: `m${i}`,
          passwordHash: "-",
          role: "user",
          disabled: false,
          createdAt: now,
        });
        await tx.upsertMember({
          conversationId: group,
          userId: id(i),
          role: i === 0 ? "owner" : "member",
          active: true,
          readSeq: 0,
          deliveredSeq: 0,
          joinedAt: now,
          version: 1,
        });
        if (i > 0)
          await tx.upsertPushDevice({
            id: `dev${i}`,
            userId: id(i),
            provider: "bench",
            platform: "android",
            appId: "com.example.chat",
            token: `token-${i}`,
            locale: "en",
            createdAt: now,
            lastUsedAt: 0,
          });
      }
    });
  }
  return {
    server,
    provider,
    group,
    sender: id(0),
    peer: id(1),
    sent: 0,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function send(w: World, to: { conversationId: string } | { toUserId: string }): Promise<unknown> {
  w.sent++;
  return w.server.core.send(
    w.sender,
    create(SendMessageSchema, { ...to, clientMsgId: `bench-${w.sent}`, content: { text: "hello everyone" } }),
  );
}

/**
 * Ack latencies in ms of `n` sends one after another, sorted. Each send waits until the
 * notifications of the one before it (`pushesEach`) are out, so the figure is what push adds to
 * the send path itself, not the backlog of the sends before it on a two-core machine.
 */
async function acks(
  w: World,
  n: number,
  to: { conversationId: string } | { toUserId: string },
  pushesEach: number,
) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const due = w.provider.count + pushesEach;
    const start = performance.now();
    await send(w, to);
    out.push(performance.now() - start);
    await w.provider.reached(due);
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/**
 * Push notifications: how fast one group message becomes notifications to 10,000 offline
 * devices (a provider that acks at once, so the server's own work is measured), and what push
 * costs the sender: the ack latency of group and 1:1 sends with push on against push off, in
 * the same process one after the other.
 */
export async function pushScenario(_opts: BenchOptions, ctx: RunContext): Promise<ScenarioReport> {
  const on = await world(true);
  let fanout: { ms: number; perSec: number };
  let onGroup: number[];
  let onDirect: number[];
  try {
    ctx.log(`push: one group message to ${fmt.int(DEVICES)} devices`);
    const start = performance.now();
    await send(on, { conversationId: on.group });
    await on.provider.reached(DEVICES);
    const ms = performance.now() - start;
    fanout = { ms, perSec: (DEVICES / ms) * 1000 };
    ctx.log(`push: ack latency, push on`);
    onGroup = await acks(on, GROUP_SENDS, { conversationId: on.group }, DEVICES);
    onDirect = await acks(on, DIRECT_SENDS, { toUserId: on.peer }, 1);
  } finally {
    await on.close();
  }
  const off = await world(false);
  let offGroup: number[];
  let offDirect: number[];
  try {
    ctx.log(`push: ack latency, push off`);
    await send(off, { conversationId: off.group });
    offGroup = await acks(off, GROUP_SENDS, { conversationId: off.group }, 0);
    offDirect = await acks(off, DIRECT_SENDS, { toUserId: off.peer }, 0);
  } finally {
    await off.close();
  }
  const ratio = (a: number[], b: number[]) => pct(a, 0.5) / Math.max(pct(b, 0.5), 0.001);
  const rows: Row[] = [
    {
      metric: `pushes/s, one group message to ${fmt.int(DEVICES)} offline devices`,
      value: fmt.int(fanout.perSec),
    },
    { metric: "time from send to the last push", value: fmt.ms(fanout.ms) },
    {
      metric: "group send ack p50, push on / off",
      value: `${fmt.ms(pct(onGroup, 0.5))} / ${fmt.ms(pct(offGroup, 0.5))}`,
    },
    { metric: "group send ack p50 ratio (on / off)", value: `x${ratio(onGroup, offGroup).toFixed(2)}` },
    {
      metric: "1:1 send ack p50, push on / off",
      value: `${fmt.ms(pct(onDirect, 0.5))} / ${fmt.ms(pct(offDirect, 0.5))}`,
    },
    {
      metric: "1:1 send ack p99, push on / off",
      value: `${fmt.ms(pct(onDirect, 0.99))} / ${fmt.ms(pct(offDirect, 0.99))}`,
    },
    { metric: "1:1 send ack p50 ratio (on / off)", value: `x${ratio(onDirect, offDirect).toFixed(2)}` },
  ];
  return {
    scenario: "push",
    rows,
    data: { devices: DEVICES, fanout, onGroup, offGroup, onDirect, offDirect },
  };
}

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Message } from "@starling/protocol";
import { createNodeClient } from "@starling/sdk/node";
import { Argon2Hasher } from "../../src/adapters/platform/argon2-hasher.js";
import { openPostgresStore } from "../../src/adapters/store/postgres.js";
import { ChildServer } from "../helpers/child-server.js";
import { Client } from "../helpers/clients.js";
import { coreOn, createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";

const NATS_URL = process.env.STARLING_TEST_NATS ?? "nats://127.0.0.1:4222";
const problem = await postgresUnavailable();
if (problem) console.log(`# cluster failover test SKIPPED: ${problem}`);

const USERS = ["u0", "u1", "u2", "u3", "u4", "u5"];
/** Connected to the node that dies, with no other endpoint: must be shown offline soon after. */
const SOLO = "solo";
const PER_USER = 40;

describe("three nodes, one killed in the middle of traffic", { skip: problem }, () => {
  const prefix = `f${randomBytes(6).toString("hex")}`;
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), "starling-node-")));
  let schema: PgSchema;
  let nodes: ChildServer[] = [];
  const clients: Client[] = [];

  before(async () => {
    schema = await createPgSchema("failover");
    nodes = dirs.map(
      (d, i) =>
        new ChildServer(d, [
          ...["--db", schema.url(), "--bus", NATS_URL, "--bus-prefix", prefix, "--node-id", `n${i}`],
          ...["--limits-requests-per-second", "100000", "--limits-request-burst", "100000"],
        ]),
    );
    // All at once on an empty schema, as a cluster starts: their migrations must cope with one another.
    await Promise.all(nodes.map((n) => n.start()));
    // Accounts with real argon2 hashes, since the clients log in by password.
    const store = await openPostgresStore({ url: schema.url() });
    const core = coreOn(store, "starling.local", new Argon2Hasher());
    await core.accounts.ensureDomain("starling.local");
    for (const u of [...USERS, SOLO])
      await core.accounts.createUser({ id: `${u}@starling.local`, password: `${u}-password` });
    await store.close();
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(nodes.map((n) => n.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await schema?.drop();
  });

  test("every acknowledged message reaches every member device exactly once, in order, with no gap", async () => {
    const url = (i: number) => `tls://127.0.0.1:${nodes[i]?.info?.tcpPort}`;
    // User k connects to node k % 3 and fails over to the next node.
    for (const [k, u] of USERS.entries()) {
      const sdk = createNodeClient({
        endpoints: [url(k % 3), url((k + 1) % 3)],
        auth: { userId: u, password: `${u}-password` },
        tls: { rejectUnauthorized: false },
        reconnect: { minDelayMs: 20, maxDelayMs: 300 },
      });
      const c = new Client(sdk);
      await sdk.connect();
      clients.push(c);
    }
    const solo = createNodeClient({
      endpoints: [url(1)],
      auth: { userId: SOLO, password: `${SOLO}-password` },
      tls: { rejectUnauthorized: false },
      reconnect: false,
    });
    await solo.connect();
    const watcher = clients[0]!;
    const soloIs = (status: number) =>
      watcher.list("presence").some((p) => p.userId === "solo@starling.local" && p.status === status);
    const [initial] = await watcher.sdk.subscribePresence([SOLO]);
    assert.equal(initial?.status, 1 /* ONLINE, seen from another node */);
    const group = await clients[0]!.sdk.createGroup("everyone", USERS.slice(1));
    const sends: Promise<unknown>[] = [];
    const sent = new Map<string, string>(); // client id -> conversation
    for (let i = 0; i < PER_USER; i++) {
      for (const [k, c] of clients.entries()) {
        const gid = `g-${k}-${i}`;
        const did = `d-${k}-${i}`;
        sent.set(gid, group.id);
        sends.push(c.sdk.send({ conversationId: group.id, text: gid, clientMsgId: gid }));
        const peer = USERS[(k + 1) % USERS.length] as string;
        sends.push(
          c.sdk.send({ to: peer, text: did, clientMsgId: did }).then((a) => sent.set(did, a.conversationId)),
        );
      }
    }
    // Kill node 1 once some of the traffic has been acknowledged.
    const acked = { n: 0 };
    for (const s of sends) void s.then(() => acked.n++);
    await clients[0]!.until(() => acked.n >= sends.length / 4, "a quarter acknowledged");
    await nodes[1]!.kill();
    assert.ok(acked.n < sends.length, "the node died while sends were still in flight");
    await Promise.all(sends);
    // The dead node's users go offline once the others stop hearing its heartbeat.
    await watcher.until(() => soloIs(3 /* OFFLINE */), "solo offline after its node died");
    await solo.close();

    // The truth: every conversation's stored history.
    const reader = clients[0]!;
    const convs = new Set(sent.values());
    const stored = new Map<string, Message[]>();
    for (const conv of convs) {
      const member = clients.find((c) => c.in(conv).length > 0 || conv === group.id) ?? reader;
      const all: Message[] = [];
      for (let afterSeq = 0; ; ) {
        const page = await member.sdk.history(conv, { afterSeq, limit: 200 });
        all.push(...page.messages);
        if (!page.hasMore) break;
        afterSeq = Number(all[all.length - 1]?.seq);
      }
      all.forEach((m, i) => assert.equal(Number(m.seq), i + 1, `${conv}: no gap`));
      stored.set(conv, all);
    }
    const ids = [...stored.values()]
      .flat()
      .filter((m) => !m.event)
      .map((m) => m.clientMsgId);
    assert.equal(ids.length, new Set(ids).size, "no message stored twice");
    for (const id of sent.keys()) assert.ok(ids.includes(id), `${id} was stored`);

    // Every member device saw exactly that sequence.
    for (const c of clients) {
      for (const [conv, msgs] of stored) {
        const mine = c.in(conv);
        if (mine.length === 0) continue;
        await c.until(() => c.in(conv).length === msgs.length, `${c.sdk.userId} caught up on ${conv}`);
        assert.deepEqual(
          c.in(conv).map((m) => Number(m.seq)),
          msgs.map((m) => Number(m.seq)),
        );
      }
      await c.until(
        () => c.in(group.id).length === stored.get(group.id)?.length,
        `${c.sdk.userId} has the whole group`,
      );
    }
  });
});

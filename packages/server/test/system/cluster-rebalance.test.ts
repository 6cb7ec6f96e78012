import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Message } from "@starling/protocol";
import { createNodeClient, nodeTransportFactory } from "@starling/sdk/node";
import { Client } from "../helpers/clients.js";
import { freePort, NATS_URL, natsUnavailable } from "../helpers/nats-server.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";
import { passwordOf, startTestServer, type TestServer } from "../helpers/test-server.js";

const problem = (await postgresUnavailable()) ?? (await natsUnavailable());
if (problem) console.log(`# cluster rebalance test SKIPPED: ${problem}`);

const USERS = Array.from({ length: 10 }, (_, i) => `r${i}`);
/** At least this many each, and more until the clients have spread. */
const PER_USER = 5;

describe("a node far above its share", { skip: problem }, () => {
  let schema: PgSchema;
  let n1: TestServer;
  let n2: TestServer | undefined;
  const clients: Client[] = [];
  /** Which endpoint each client's current connection went to. */
  const on = new Map<string, string>();

  before(async () => {
    schema = await createPgSchema("rebalance");
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await n2?.close();
    await n1?.close();
    await schema?.drop();
  });

  test("asks some clients to move to a node that joins later, and nothing is lost or doubled", async () => {
    const flags = {
      db: schema.url(),
      bus: NATS_URL,
      busPrefix: `r${randomBytes(6).toString("hex")}`,
      "cluster.rebalanceIntervalMs": 500,
      "cluster.rebalanceBatch": 2,
      "limits.requestsPerSecond": 100000,
      "limits.requestBurst": 100000,
    };
    n1 = await startTestServer({ ...flags, nodeId: "n1" });
    for (const u of [...USERS, "lamp"]) await n1.addUser(u);
    // Watched by everyone; it goes offline at the end, and moved clients must still hear it.
    const lamp = createNodeClient({
      endpoints: [n1.tlsUrl],
      auth: { userId: "lamp", password: passwordOf("lamp") },
      tls: { rejectUnauthorized: false },
      reconnect: false,
    });
    await lamp.connect();
    // Node 2's endpoint is given to every client but is not up yet: they all land on node 1.
    const port2 = await freePort();
    const url2 = `tls://127.0.0.1:${port2}`;
    const base = nodeTransportFactory({ tls: { rejectUnauthorized: false } });
    for (const u of USERS) {
      const sdk = createNodeClient({
        endpoints: [url2, n1.tlsUrl],
        auth: { userId: u, password: passwordOf(u) },
        reconnect: { minDelayMs: 20, maxDelayMs: 300 },
        transport: (endpoint) => {
          const t = base(endpoint);
          return {
            connect: async (handlers) => {
              await t.connect(handlers);
              on.set(u, endpoint);
            },
            send: (bytes) => t.send(bytes),
            close: (code, reason) => t.close(code, reason),
          };
        },
      });
      const c = new Client(sdk);
      await sdk.connect();
      await sdk.subscribePresence(["lamp"]);
      clients.push(c);
    }
    assert.ok(
      USERS.every((u) => on.get(u) === n1.tlsUrl),
      "everyone on node 1",
    );
    const group = await clients[0]!.sdk.createGroup("spread", USERS.slice(1));

    n2 = await startTestServer({ ...flags, nodeId: "n2", "tcp.port": port2 });
    // Traffic all along, while clients are moved.
    const sent: string[] = [];
    const onNode2 = () => USERS.filter((u) => on.get(u) === url2).length;
    let spread = false;
    const sends = clients.map(async (c, k) => {
      for (let i = 0; i < PER_USER || !spread; i++) {
        const id = `m-${k}-${i}`;
        sent.push(id);
        await c.sdk.send({ conversationId: group.id, text: id, clientMsgId: id });
      }
    });
    await clients[0]!.until(() => onNode2() >= 4, "clients spread to node 2");
    spread = true;
    await Promise.all(sends);
    assert.ok(onNode2() <= 6, `not all pushed over: ${onNode2()} on node 2`);
    const moved = clients.filter((c) => c.list("state").includes("reconnecting")).length;
    assert.ok(moved >= 4, `${moved} clients reconnected`);

    const history: Message[] = [];
    for (let afterSeq = 0; ; ) {
      const page = await clients[0]!.sdk.history(group.id, { afterSeq, limit: 200 });
      history.push(...page.messages);
      if (!page.hasMore) break;
      afterSeq = Number(history[history.length - 1]?.seq);
    }
    history.forEach((m, i) => assert.equal(Number(m.seq), i + 1, "no gap"));
    const ids = history.filter((m) => !m.event).map((m) => m.clientMsgId);
    assert.equal(ids.length, new Set(ids).size, "nothing stored twice");
    assert.deepEqual([...ids].sort(), [...sent].sort(), "every send stored");
    // Presence subscriptions moved with the clients.
    await lamp.close();
    for (const [k, c] of clients.entries())
      await c.until(
        () => c.list("presence").some((p) => p.userId.startsWith("lamp@") && p.status === 3 /* OFFLINE */),
        `client ${k} sees lamp go offline`,
      );
    for (const [k, c] of clients.entries()) {
      await c.until(() => c.in(group.id).length === history.length, `client ${k} has the whole group`);
      assert.deepEqual(
        c.in(group.id).map((m) => Number(m.seq)),
        history.map((m) => Number(m.seq)),
        `client ${k}: each message once, in order`,
      );
    }
  });
});

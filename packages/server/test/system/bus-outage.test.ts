import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ErrorCode, type Message, StarlingError } from "@starling/protocol";
import { xml } from "@xmpp/client";
import { type Client, login } from "../helpers/clients.js";
import { natsServerMissing, PrivateNats } from "../helpers/nats-server.js";
import { waitUntil } from "../helpers/poll.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { XmppTcp } from "../helpers/xmpp-tcp.js";

const problem = (await postgresUnavailable()) ?? natsServerMissing();
if (problem) console.log(`# bus outage test SKIPPED: ${problem}`);

/** Waits for a condition of the servers (no client event to wake on). */
const waitFor = waitUntil;

/** A conversation's stored history, every page. */
async function stored(c: Client, conversationId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await c.sdk.history(conversationId, { afterSeq, limit: 200 });
    all.push(...page.messages);
    if (!page.hasMore) return all;
    afterSeq = Number(all[all.length - 1]?.seq);
  }
}

describe("two nodes through a NATS outage", { skip: problem }, () => {
  const nats = new PrivateNats();
  let schema: PgSchema;
  let n1: TestServer;
  let n2: TestServer | undefined;
  const c: Record<string, Client> = {};
  let frank: XmppTcp | undefined;
  const flags = () => ({ db: schema.url(), bus: nats.url, busPrefix: `o${randomBytes(6).toString("hex")}` });
  let common: ReturnType<typeof flags>;

  before(async () => {
    schema = await createPgSchema("busout");
    await nats.reserve();
    common = flags();
  });
  after(async () => {
    await Promise.all(Object.values(c).map((x) => x.close()));
    await frank?.stop();
    await n2?.close();
    await n1?.close();
    await nats.stop();
    await schema?.drop();
  });

  test("a node starts while NATS is down, serves its own users, says it is not ready, and joins once NATS is up", async () => {
    n1 = await startTestServer({ ...common, nodeId: "n1" });
    const health = n1.server.bus.health?.();
    assert.equal(health?.ok, false, "not ready without the bus");
    assert.match(health?.detail ?? "", /unreachable/);
    for (const u of ["alice", "bob", "carol", "dave", "erin"]) await n1.addUser(u);
    c.alice = await login(n1, "alice");
    c.bob = await login(n1, "bob");
    const ack = await c.alice.sdk.send({ to: "bob", text: "before NATS" });
    await c.bob.until(() => c.bob!.in(ack.conversationId).length === 1, "bob, on the same node");

    // A node that never reached NATS still stops cleanly.
    const early = await startTestServer({ ...common, nodeId: "n0" });
    await early.close();

    await nats.start();
    await waitFor(() => n1.server.bus.health?.().ok === true, "node 1 joins the bus by itself");
    n2 = await startTestServer({ ...common, nodeId: "n2", "xmpp.port": 0 } as never);
    assert.equal(n2.server.bus.health?.().ok, true);
    c.carol = await login(n2, "carol");
    const across = await c.alice.sdk.send({ to: "carol", text: "across" });
    await c.carol.until(() => c.carol!.in(across.conversationId).length === 1, "carol on node 2");
  });

  test("while NATS is down every node stores, acknowledges and delivers locally; afterwards every device catches up without reconnecting", async () => {
    const node2 = n2 as TestServer;
    c.dave = await login(node2, "dave");
    c.erin = await login(node2, "erin");
    const alice = c.alice as Client;
    const bob = c.bob as Client;
    const carol = c.carol as Client;
    const dave = c.dave as Client;
    const erin = c.erin as Client;
    // frank uses an XMPP client on node 2: no sync pass, and in a room.
    await n1.addUser("frank");
    const xmpp = new XmppTcp(node2, "frank");
    frank = xmpp;
    await xmpp.xmpp.start();
    const g = await alice.sdk.createGroup("outage", ["bob", "carol", "dave", `frank@${n1.domain}`]);
    const room = `${g.id.slice(2)}@conference.${n1.domain}`;
    await xmpp.xmpp.send(
      xml(
        "presence",
        { to: `${room}/frank` },
        xml("x", { xmlns: "http://jabber.org/protocol/muc" }, xml("history", { maxstanzas: "0" })),
      ),
    );
    await xmpp.until(() => xmpp.stanzas.some((s) => s.getChild("subject")), "frank in the room");
    const bodies = (type: string) =>
      xmpp.stanzas
        .filter((s) => s.is("message") && s.attrs.type === type)
        .map((s) => s.getChildText("body"))
        .filter((b): b is string => typeof b === "string");
    const first = await alice.sdk.send({ conversationId: g.id, text: "g before" });
    for (const x of [bob, carol, dave])
      await x.until(() => x.in(g.id).some((m) => m.seq === first.seq), "the group before the outage");
    await xmpp.until(() => bodies("groupchat").includes("g before"), "frank has the group before the outage");
    const direct = carol.in(carol.messages[0]?.conversationId ?? "")[0]?.conversationId as string;
    const reconnectsBefore = Object.fromEntries(
      Object.entries(c).map(([k, v]) => [k, v.list("state").filter((s) => s === "reconnecting").length]),
    );

    await nats.stop();
    await waitFor(
      () => n1.server.bus.health?.().ok === false && node2.server.bus.health?.().ok === false,
      "both nodes see the bus down",
    );

    // Stored, acknowledged and pushed to the devices of the same node.
    const local = await alice.sdk.send({ to: "bob", text: "during, same node" });
    await bob.until(() => bob.in(local.conversationId).some((m) => m.seq === local.seq), "bob in real time");
    const fromN1: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `n1-${i}`;
      fromN1.push(id);
      await alice.sdk.send({ conversationId: g.id, text: id, clientMsgId: id });
    }
    await bob.until(() => fromN1.every((id) => bob.in(g.id).some((m) => m.clientMsgId === id)), "bob");
    const fromN2: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `n2-${i}`;
      fromN2.push(id);
      await carol.sdk.send({ conversationId: g.id, text: id, clientMsgId: id });
    }
    await dave.until(() => fromN2.every((id) => dave.in(g.id).some((m) => m.clientMsgId === id)), "dave");
    const toCarol = await alice.sdk.send({ conversationId: direct, text: "during, across" });
    await alice.sdk.send({ to: `frank@${n1.domain}`, text: "during, to frank" });

    // Membership comes from the database: a member removed on node 1 cannot send on node 2.
    await alice.sdk.removeMembers(g.id, ["dave"]);
    await assert.rejects(
      dave.sdk.send({ conversationId: g.id, text: "slipped in?", clientMsgId: "dave-after" }),
      (e: unknown) => e instanceof StarlingError && e.code === ErrorCode.NOT_A_MEMBER,
    );
    // A frozen account's kick cannot reach node 2 now; it must not be forgotten.
    await n1.server.core.accounts.setDisabled(`erin@${n1.domain}`, true);

    await nats.start();
    await waitFor(
      () => n1.server.bus.health?.().ok === true && node2.server.bus.health?.().ok === true,
      "both nodes back on the bus",
    );

    const history = await stored(alice, g.id);
    history.forEach((m, i) => assert.equal(Number(m.seq), i + 1, "no gap"));
    const ids = history.filter((m) => !m.event).map((m) => m.clientMsgId);
    assert.equal(ids.length, new Set(ids).size, "nothing stored twice");
    for (const id of [...fromN1, ...fromN2]) assert.ok(ids.includes(id), `${id} stored`);
    assert.ok(!ids.includes("dave-after"), "the removed member's message was not stored");

    // Every device still connected sees exactly the stored sequence, without having reconnected.
    for (const [name, x] of [
      ["alice", alice],
      ["bob", bob],
      ["carol", carol],
    ] as const) {
      await x.until(() => x.in(g.id).length === history.length, `${name} caught up on the group`);
      assert.deepEqual(
        x.in(g.id).map((m) => Number(m.seq)),
        history.map((m) => Number(m.seq)),
        `${name}: every message once, in order`,
      );
    }
    await carol.until(() => carol.in(direct).some((m) => m.seq === toCarol.seq), "carol's 1:1 from node 1");
    await erin.until(() => erin.list("state").includes("closed"), "erin's connection closed");
    // The XMPP session on node 2 is shown what node 1 pushed during the outage, once, without reconnecting.
    await xmpp.until(
      () =>
        fromN1.every((id) => bodies("groupchat").includes(id)) && bodies("chat").includes("during, to frank"),
      "frank caught up",
    );
    for (const id of [...fromN1, ...fromN2, "g before"])
      assert.equal(bodies("groupchat").filter((b) => b === id).length, 1, `frank sees ${id} once`);
    assert.equal(bodies("chat").filter((b) => b === "during, to frank").length, 1, "frank sees his 1:1 once");
    for (const [k, v] of Object.entries(c)) {
      if (k === "erin") continue;
      assert.equal(
        v.list("state").filter((s) => s === "reconnecting").length,
        reconnectsBefore[k],
        `${k} did not reconnect`,
      );
    }
  });
});

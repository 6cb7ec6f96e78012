import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { xml } from "@xmpp/client";
import { starlingAsync } from "../helpers/child-server.js";
import { type Client, login } from "../helpers/clients.js";
import { NATS_URL, natsUnavailable } from "../helpers/nats-server.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";
import { DOMAIN, XmppTcp } from "../helpers/xmpp-tcp.js";

const problem = (await postgresUnavailable()) ?? (await natsUnavailable());
if (problem) console.log(`# cluster tests SKIPPED: ${problem}`);

describe("two nodes on one PostgreSQL and NATS", { skip: problem }, () => {
  let schema: PgSchema;
  const prefix = `t${randomBytes(6).toString("hex")}`;
  let n1: TestServer;
  let n2: TestServer;
  const c: Record<string, Client> = {};

  before(async () => {
    schema = await createPgSchema("cluster");
    const db = schema.url();
    const flags = { db, bus: NATS_URL, busPrefix: prefix };
    n1 = await startTestServer({ ...flags, nodeId: "n1" });
    n2 = await startTestServer({ ...flags, nodeId: "n2" });
    for (const u of ["alice", "bob", "carol"]) await n1.addUser(u);
    c.alice = await login(n1, "alice");
    c.bob = await login(n2, "bob");
    c.carol = await login(n2, "carol", "ws");
  });
  after(async () => {
    await Promise.all(Object.values(c).map((x) => x.close()));
    await n1?.close();
    await n2?.close();
    await schema?.drop();
  });

  test("1:1 and group messages, receipts and typing cross nodes in real time", async () => {
    const ack = await c.alice!.sdk.send({ to: "bob", text: "from node 1" });
    await c.bob!.until(() => c.bob!.messages.some((m) => m.content?.text === "from node 1"), "bob on node 2");
    await c.bob!.sdk.markRead(ack.conversationId, ack.seq);
    await c.alice!.until(
      () => c.alice!.list("receipt").some((r) => r.userId === "bob@starling.local"),
      "receipt on node 1",
    );
    await c.bob!.sdk.typing(ack.conversationId, true);
    await c.alice!.until(() => c.alice!.list("typing").length > 0, "typing on node 1");

    const g = await c.carol!.sdk.createGroup("across", ["alice", "bob"]);
    const sends = await Promise.all([
      c.alice!.sdk.send({ conversationId: g.id, text: "a" }),
      c.bob!.sdk.send({ conversationId: g.id, text: "b" }),
      c.carol!.sdk.send({ conversationId: g.id, text: "c" }),
    ]);
    assert.deepEqual(sends.map((s) => Number(s.seq)).sort(), [2, 3, 4]);
    for (const n of ["alice", "bob", "carol"]) {
      await c[n]!.until(() => c[n]!.in(g.id).length === 4, `${n} has the group`);
      assert.deepEqual(
        c[n]!.in(g.id).map((m) => Number(m.seq)),
        [1, 2, 3, 4],
      );
    }
  });

  test("a file uploaded on node 1 downloads on node 2, each with a data folder of its own", async () => {
    const bytes = randomBytes(600 * 1024); // more than two chunks of the database blob store
    const api = (n: TestServer, path: string) => `http://127.0.0.1:${n.server.httpPort}/api/v1${path}`;
    const up = await fetch(api(n1, "/files?name=big.bin"), {
      method: "POST",
      headers: { authorization: `Bearer ${c.alice!.sdk.token}` },
      body: new Uint8Array(bytes),
    });
    assert.equal(up.status, 201);
    const f = (await up.json()) as { id: string };
    await c.alice!.sdk.send({ to: "bob", text: "the file", attachments: [{ fileId: f.id }] });
    const auth = { authorization: `Bearer ${c.bob!.sdk.token}` };
    const whole = await fetch(api(n2, `/files/${f.id}/content`), { headers: auth });
    assert.equal(whole.status, 200);
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);
    const part = await fetch(api(n2, `/files/${f.id}/content`), {
      headers: { ...auth, range: "bytes=262140-262150" },
    });
    assert.equal(part.status, 206);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(262140, 262151));
    for (const n of [n1, n2]) {
      const h = (await (await fetch(`http://127.0.0.1:${n.server.httpPort}/healthz`)).json()) as {
        blobs: string;
        blobStore: string;
      };
      assert.equal(h.blobs, "ok");
      assert.match(h.blobStore, /^database:/);
    }
  });

  test("doctor finds a node that keeps files in a folder of its own", async () => {
    const flags = { db: schema.url(), bus: NATS_URL, busPrefix: prefix };
    const n3 = await startTestServer({ ...flags, nodeId: "n3", "files.blobStore": "folder" });
    try {
      const origin = (n: TestServer) => `http://127.0.0.1:${n.server.httpPort}`;
      const same = await starlingAsync(["doctor", "--url", origin(n1), "--node", origin(n2)]);
      assert.match(same.stdout, /ok {4}file store database:/);
      assert.match(same.stdout, /ok {4}node http:\/\/127.0.0.1:\d+ sees the same file store/);
      const apart = await starlingAsync(["doctor", "--url", origin(n1), "--node", origin(n3)]);
      assert.equal(apart.status, 1);
      assert.match(
        apart.stdout,
        /FAIL {2}node http:\/\/127.0.0.1:\d+ does not see the same file store[\s\S]*fix: /,
      );
      const itself = await starlingAsync(["doctor", "--url", origin(n3)]);
      assert.match(itself.stdout, /FAIL {2}http:\/\/127.0.0.1:\d+ does not use the deployment's file store/);
    } finally {
      await n3.close();
    }
  });

  test("presence crosses nodes: online, away and offline", async () => {
    const dave = "dave";
    await n1.addUser(dave);
    const [first] = await c.alice!.sdk.subscribePresence([dave]);
    assert.equal(first?.status, 3 /* OFFLINE */);
    const d = await login(n2, dave);
    const seen = (status: number) =>
      c.alice!.list("presence").some((p) => p.userId === "dave@starling.local" && p.status === status);
    await c.alice!.until(() => seen(1), "dave online, seen from node 1");
    await d.sdk.setPresence(2 /* AWAY */);
    await c.alice!.until(() => seen(2), "dave away");
    await d.close();
    await c.alice!.until(() => seen(3), "dave offline");
  });

  test("directory changes on one node reach clients and search on the other", async () => {
    await c.bob!.sdk.directory.sync();
    assert.equal((await c.bob!.sdk.directory.search("alice")).users[0]?.title, "");
    const before = c.bob!.list("directory").length;
    await n1.server.admin.updateProfile({ actor: "system", source: "test", scope: "*" }, `alice@${DOMAIN}`, {
      displayName: "重庆 Alice",
      title: "Lead",
    });
    await c.bob!.until(() => c.bob!.list("directory").length > before, "bob's copy synced on node 2");
    assert.equal(c.bob!.sdk.directory.users.get("alice@starling.local")?.title, "Lead");
    // Node 2's search index catches up with the store's directory version by itself.
    const found = await c.bob!.sdk.directory.search("cq");
    assert.deepEqual(
      found.users.map((u) => u.id),
      ["alice@starling.local"],
    );
  });

  test("XMPP users on different nodes chat 1:1 and in a room with a native member", async () => {
    for (const u of ["erin", "frank"]) await n1.addUser(u);
    const erin = new XmppTcp(n1, "erin");
    const frank = new XmppTcp(n2, "frank");
    try {
      await erin.xmpp.start();
      await frank.xmpp.start();
      await erin.xmpp.send(
        xml("message", { to: `frank@${DOMAIN}`, type: "chat", id: "x-n1" }, xml("body", {}, "from node 1")),
      );
      await frank.until(
        () => frank.chats().some((m) => m.getChildText("body") === "from node 1"),
        "1:1 on node 2",
      );

      const g = await c.alice!.sdk.createGroup("xmpp across", ["erin", "frank"]);
      const room = `${g.id.slice(2)}@conference.${DOMAIN}`;
      for (const x of [erin, frank]) {
        await x.xmpp.send(
          xml("presence", { to: `${room}/me` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })),
        );
        await x.until(() => x.stanzas.some((st) => st.getChild("subject")), "joined");
      }
      await frank.xmpp.send(
        xml("message", { to: room, type: "groupchat", id: "r-n2" }, xml("body", {}, "room from node 2")),
      );
      await erin.until(
        () =>
          erin.stanzas.some(
            (st) => st.getChildText("body") === "room from node 2" && st.attrs.from === `${room}/frank`,
          ),
        "groupchat on node 1",
      );
      await c.alice!.until(
        () => c.alice!.in(g.id).some((m) => m.content?.text === "room from node 2"),
        "native member",
      );

      // An IQ to a full JID on the other node reaches that resource, and its answer comes back.
      await erin.xmpp.send(
        xml(
          "iq",
          { type: "get", id: "c2c-n", to: `frank@${DOMAIN}/laptop` },
          xml("ping", { xmlns: "urn:xmpp:ping" }),
        ),
      );
      await frank.until(
        () =>
          frank.stanzas.some(
            (st) => st.is("iq") && st.attrs.id === "c2c-n" && st.attrs.from === `erin@${DOMAIN}/laptop`,
          ),
        "the IQ relayed to node 2",
      );
      await erin.until(
        () =>
          erin.stanzas.some(
            (st) =>
              st.is("iq") &&
              st.attrs.id === "c2c-n" &&
              st.attrs.from === `frank@${DOMAIN}/laptop` &&
              st.attrs.type !== "get",
          ),
        "the answer relayed back to node 1",
      );
      // A user connected nowhere has no resource to ask.
      await n1.addUser("gina");
      await erin.xmpp.send(
        xml(
          "iq",
          { type: "get", id: "c2c-off", to: `gina@${DOMAIN}/phone` },
          xml("ping", { xmlns: "urn:xmpp:ping" }),
        ),
      );
      await erin.until(
        () =>
          erin.stanzas.some(
            (st) =>
              st.attrs.id === "c2c-off" &&
              st.attrs.type === "error" &&
              st.getChild("error")?.getChild("service-unavailable"),
          ),
        "service-unavailable for a user connected nowhere",
      );
    } finally {
      await erin.stop();
      await frank.stop();
    }
  });

  test("an admin action on one node closes sessions on the other", async () => {
    await n1.server.admin.setDisabled(
      { actor: "system", source: "test", scope: "*" },
      `carol@${DOMAIN}`,
      true,
    );
    await c.carol!.until(() => c.carol!.sdk.state === "closed", "carol kicked on node 2");
  });
});

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { directConversationId } from "@starling/protocol";
import { ChildServer, starling } from "../helpers/child-server.js";
import { admin, CRASHING_SENDER_FLAGS, startPeer } from "../helpers/federation-peers.js";
import { poll } from "../helpers/poll.js";
import { RawClient } from "../helpers/raw-client.js";
import type { TestServer } from "../helpers/test-server.js";

/**
 * alice's server (a separate process) killed with SIGKILL while she sends to bob@b.test, then
 * started again: every message it acknowledged reaches bob's copy exactly once, and bob's copy
 * holds the same messages in the same order as alice's.
 */
const dataDir = mkdtempSync(join(tmpdir(), "starling-fed-dm-crash-"));
const sender = new ChildServer(dataDir, [...CRASHING_SENDER_FLAGS]);
let b: TestServer;
const conv = directConversationId("alice@a.test", "bob@b.test");

before(async () => {
  b = await startPeer("b.test");
  await b.addUser("bob");
});
after(async () => {
  await sender.stop();
  await b?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  c.hello(1, "alice@a.test", "alice-password");
  await c.until((x) => x.response(1) !== undefined);
  assert.equal(c.response(1)?.body.case, "welcome");
  return c;
}

/** The client ids of a copy of the conversation, in seq order. */
async function copyAt(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (let afterSeq = 0n; ; ) {
    const r = await c.call({ case: "getHistory", value: { conversationId: conv, afterSeq, limit: 200 } });
    if (r.body.case !== "history") throw new Error(`history: ${r.body.case}`);
    out.push(...r.body.value.messages.map((m) => m.clientMsgId));
    if (!r.body.value.hasMore) return out;
    afterSeq = r.body.value.messages.at(-1)?.seq ?? afterSeq;
  }
}

const bobsCopy = async () =>
  (await b.server.store.read.getMessages(conv, 0, Number.MAX_SAFE_INTEGER, 10_000, false)).map(
    (m) => m.clientMsgId,
  );

test("every message acknowledged before a SIGKILL reaches the peer's copy once, in the same order", async () => {
  let info = await sender.start();
  starling(["user", "add", "alice@a.test", "--password", "alice-password", "--data-dir", dataDir]);
  const pin = new X509Certificate(readFileSync(join(dataDir, "tls", "cert.pem"))).fingerprint256;
  // b accepts a's certificate; b's own dialling towards a is beside the point here.
  const added = await admin(b, "POST", "/links", {
    peerDomain: "a.test",
    endpoint: "127.0.0.1:1",
    pin,
    allow: { users: ["bob"] },
  });
  assert.equal(added.status, 201);
  starling([
    "federation",
    "add",
    "b.test",
    "--endpoint",
    `127.0.0.1:${b.server.federationPort}`,
    "--pin",
    b.server.tlsFingerprint,
    "--allow",
    "users:alice",
    "--data-dir",
    dataDir,
  ]);

  const alice = await login(info.tcpPort);
  const total = 2000;
  for (let i = 0; i < total; i++) alice.sendText(1000 + i, "bob@b.test", `m${i}`, `message ${i}`);
  // Killed while acknowledgements arrive and frames are on their way to b.
  await poll(bobsCopy, (ids) => ids.length >= 50, "the first messages at bob");
  await sender.kill();
  await alice.until((c) => c.closed);
  const acked: string[] = [];
  for (let i = 0; i < total; i++) if (alice.response(1000 + i)?.body.case === "sendAck") acked.push(`m${i}`);
  assert.ok(acked.length > 0 && acked.length < total, `acknowledged ${acked.length} of ${total}`);

  info = await sender.start();
  const again = await login(info.tcpPort);
  const atA = await copyAt(again);
  for (const id of acked) assert.ok(atA.includes(id), `${id} is in alice's copy`);
  const atB = await poll(bobsCopy, (ids) => ids.length >= atA.length, "alice's whole copy at bob", {
    limitMs: 60_000,
  });
  assert.equal(new Set(atB).size, atB.length, "nothing stored twice at bob");
  assert.deepEqual(atB, atA, "bob's copy holds alice's messages in her copy's order");
});

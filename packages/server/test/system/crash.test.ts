import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Message } from "@starling/protocol";
import { ChildServer, starling } from "../helpers/child-server.js";
import { RawClient } from "../helpers/raw-client.js";

const dataDir = mkdtempSync(join(tmpdir(), "starling-crash-"));
const server = new ChildServer(dataDir, [
  "--limits-requests-per-second",
  "100000",
  "--limits-request-burst",
  "100000",
]);
after(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(port: number, user: string): Promise<RawClient> {
  const c = await RawClient.connect(port);
  c.hello(1, user, `${user}-password`);
  await c.until((x) => x.response(1) !== undefined);
  assert.equal(c.response(1)?.body.case, "welcome");
  return c;
}

async function fullHistory(c: RawClient, conversationId: string): Promise<Message[]> {
  const out: Message[] = [];
  for (let afterSeq = 0n; ; ) {
    const r = await c.call({ case: "getHistory", value: { conversationId, afterSeq, limit: 200 } });
    assert.equal(r.body.case, "history");
    if (r.body.case !== "history") return out;
    out.push(...r.body.value.messages);
    if (!r.body.value.hasMore) return out;
    afterSeq = out[out.length - 1]?.seq ?? afterSeq;
  }
}

test("every acknowledged message survives SIGKILL exactly once with its seq", async () => {
  starling(["user", "add", "alice", "--password", "alice-password", "--data-dir", dataDir]);
  starling(["user", "add", "bob", "--password", "bob-password", "--data-dir", dataDir]);
  let info = await server.start();
  const alice = await login(info.tcpPort, "alice");

  const total = 3000;
  const acked = new Map<string, bigint>();
  for (let i = 0; i < total; i++) {
    alice.sendText(1000 + i, "bob", `m${i}`, `message ${i}`);
  }
  // Kill the server while acknowledgements are still arriving.
  await alice.until((c) => c.received.length >= 300 || c.closed);
  await server.kill();
  await alice.until((c) => c.closed);
  for (let i = 0; i < total; i++) {
    const r = alice.response(1000 + i);
    if (r?.body.case === "sendAck") acked.set(`m${i}`, r.body.value.seq);
  }
  assert.ok(acked.size > 0, "some messages were acknowledged before the kill");
  assert.ok(acked.size < total, "the kill happened in the middle of the traffic");

  info = await server.start();
  const again = await login(info.tcpPort, "alice");
  const conversationId = "d:alice@starling.local|bob@starling.local";
  const history = await fullHistory(again, conversationId);
  history.forEach((m, i) => assert.equal(m.seq, BigInt(i + 1), "seqs are gapless from 1"));
  const byClientId = new Map(history.map((m) => [m.clientMsgId, m.seq]));
  assert.equal(byClientId.size, history.length, "no client id is stored twice");
  for (const [id, seq] of acked) assert.equal(byClientId.get(id), seq, `${id} kept its acknowledged seq`);

  // Resending everything with the same ids stores only what was missing, and acks the rest as duplicates.
  for (let i = 0; i < total; i++) {
    const r = await again.call({
      case: "send",
      value: { toUserId: "bob", clientMsgId: `m${i}`, content: { text: `message ${i}` } },
    });
    assert.equal(r.body.case, "sendAck");
    if (r.body.case !== "sendAck") continue;
    const before = byClientId.get(`m${i}`);
    if (before !== undefined) {
      assert.equal(r.body.value.duplicate, true);
      assert.equal(r.body.value.seq, before);
    }
  }
  const final = await fullHistory(again, conversationId);
  assert.equal(final.length, total);
  assert.equal(new Set(final.map((m) => m.clientMsgId)).size, total);
  final.forEach((m, i) => assert.equal(m.seq, BigInt(i + 1)));
  again.close();
});

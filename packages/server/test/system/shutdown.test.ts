import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { CloseCode } from "@starling/protocol";
import { WebSocket } from "ws";
import { directConversationId } from "../../src/core/kernel/ids.js";
import { openSqliteStore } from "../../src/index.js";
import { ChildServer, starling } from "../helpers/child-server.js";
import { RawClient } from "../helpers/raw-client.js";
import { RawXmpp } from "../helpers/raw-xmpp.js";

const DOMAIN = "starling.local";
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), "starling-shutdown-"));
  dirs.push(d);
  return d;
}

/** Resolves once `path` exists (false if the process ended first), checked every few ms as the process runs. */
async function appears(server: ChildServer, path: string): Promise<boolean> {
  const proc = server.proc;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (existsSync(path)) return true;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

describe("SIGTERM and SIGINT", () => {
  test("the moment the process starts: it ends and leaves nothing behind", async () => {
    const dir = dataDir();
    const server = new ChildServer(dir);
    const proc = server.launch();
    await new Promise((r) => proc.once("spawn", r));
    const end = await server.signal("SIGTERM");
    // Before Node has run a line of the program, only the kernel's default can answer the
    // signal; from the program's first line on, it is a clean exit.
    assert.ok(end.code === 0 || end.signal === "SIGTERM", `ended with ${JSON.stringify(end)}`);
    assert.equal(existsSync(server.runtimeFile), false);
  });

  for (const [what, file] of [
    ["while the database is opened and migrated", "starling.db"],
    ["while the listeners start", "admin.key"],
  ] as const) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      test(`${signal} ${what}: exit 0, no runtime file, and the data folder starts again`, async () => {
        const dir = dataDir();
        const server = new ChildServer(dir);
        server.launch();
        assert.ok(await appears(server, join(dir, file)), `${file} appeared`);
        const end = await server.signal(signal);
        assert.deepEqual(end, { code: 0, signal: null });
        assert.equal(existsSync(server.runtimeFile), false, "no stale runtime file");
        await server.start();
        assert.deepEqual(await server.signal("SIGTERM"), { code: 0, signal: null });
      });
    }
  }

  test("the moment server.json appears: exit 0 and it is removed", async () => {
    for (let i = 0; i < 3; i++) {
      const dir = dataDir();
      const server = new ChildServer(dir);
      server.launch();
      assert.ok(await appears(server, server.runtimeFile));
      assert.deepEqual(await server.signal("SIGTERM"), { code: 0, signal: null });
      assert.equal(existsSync(server.runtimeFile), false);
    }
  });

  test("with native, WebSocket and XMPP clients connected and sends in flight", async () => {
    const dir = dataDir();
    const extra = ["--limits-requests-per-second", "100000", "--limits-request-burst", "100000"];
    starling(["user", "add", "alice", "--password", "alice-password", "--data-dir", dir]);
    starling(["user", "add", "bob", "--password", "bob-password", "--data-dir", dir]);
    const server = new ChildServer(dir, extra);
    const info = await server.start();
    const ready = await fetch(`http://127.0.0.1:${info.httpPort}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      ready: true,
      failing: [],
      checks: { listeners: { ok: true }, store: { ok: true } },
    });

    const alice = await RawClient.connect(info.tcpPort);
    alice.hello(1, "alice", "alice-password");
    await alice.until((x) => x.response(1) !== undefined);
    assert.equal(alice.response(1)?.body.case, "welcome");

    const xmpp = await RawXmpp.connect(info.xmppPort);
    await xmpp.startTls(DOMAIN);
    await xmpp.loginPlain(`bob@${DOMAIN}`, "bob-password");

    const ws = new WebSocket(`ws://127.0.0.1:${info.httpPort}/ws`);
    await new Promise((r, j) => ws.once("open", r).once("error", j));
    const wsClosed = new Promise<number>((r) => ws.once("close", (code) => r(code)));

    const total = 2000;
    for (let i = 0; i < total; i++) {
      alice.sendText(1000 + i, "bob", `m${i}`, `message ${i}`);
    }
    // Some are stored, most still queued or unread: stop now.
    await alice.until((x) => x.response(1000) !== undefined);
    const end = await server.signal("SIGTERM");
    assert.deepEqual(end, { code: 0, signal: null });
    assert.equal(existsSync(server.runtimeFile), false, "the runtime file is removed");

    await alice.closedByServer();
    const bye = alice.goodbye();
    assert.equal(bye?.code, CloseCode.SERVER_SHUTDOWN);
    assert.equal(bye?.reconnect, true, "clients are told to reconnect elsewhere");
    assert.match(await xmpp.ended(), /<system-shutdown /, "XMPP clients get a system-shutdown stream error");
    assert.equal(await wsClosed, CloseCode.SERVER_SHUTDOWN);

    const acked = new Map<string, bigint>();
    for (const e of alice.received) {
      if (e.kind.case !== "response" || e.kind.value.body.case !== "sendAck") continue;
      acked.set(`m${e.kind.value.id - 1000}`, e.kind.value.body.value.seq);
    }
    assert.ok(acked.size > 0);

    // After a restart, every acknowledged message is there with the seq of its ack, and nothing is half-written.
    await server.start();
    assert.deepEqual(await server.signal("SIGTERM"), { code: 0, signal: null });
    const store = await openSqliteStore({ path: join(dir, "starling.db") });
    try {
      const conv = directConversationId(`alice@${DOMAIN}`, `bob@${DOMAIN}`);
      const stored = await store.read.getMessages(conv, 0, Number.MAX_SAFE_INTEGER, total + 1, false);
      const bySeq = new Map(stored.map((m) => [BigInt(m.seq), m.clientMsgId]));
      for (const [id, seq] of acked) assert.equal(bySeq.get(seq), id, `acked ${id} is stored at seq ${seq}`);
      assert.deepEqual(
        stored.map((m) => m.seq),
        stored.map((_, i) => i + 1),
        "seqs without a gap",
      );
      assert.equal(new Set(stored.map((m) => m.clientMsgId)).size, stored.length, "nothing stored twice");
      assert.equal(
        stored.length,
        acked.size,
        "every send taken in was stored and acknowledged before the goodbye",
      );
    } finally {
      await store.close();
    }
  });
});

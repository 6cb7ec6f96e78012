import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { directConversationId } from "../../src/core/kernel/ids.js";
import type { Logger } from "../../src/core/kernel/ports.js";
import { LOOPBACK_ANY_PORT, loadConfig, type RunningServer, startServer } from "../../src/index.js";
import { poll } from "../helpers/poll.js";
import { RawClient } from "../helpers/raw-client.js";
import { passwordOf } from "../helpers/test-server.js";

/** A small file system of its own, so filling it fills nothing else. */
function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "pipe" });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs (${String((err as { stderr?: unknown }).stderr ?? err).trim()})`;
  }
}

const mountPoint = mkdtempSync(join(tmpdir(), "starling-full-"));
const problem = mountTmpfs(mountPoint, "24m");
if (problem) {
  console.log(`# full disk test SKIPPED: ${problem}`);
  rmSync(mountPoint, { recursive: true, force: true });
}

interface Line {
  level: string;
  obj: object;
  msg: string;
}

/** Records every log line (and shows them with STARLING_TEST_LOG set). */
function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: string) =>
    (obj: object, msg = "") => {
      lines.push({ level, obj, msg });
      if (process.env.STARLING_TEST_LOG) console.log(`# ${level} ${msg} ${JSON.stringify(obj)}`);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

describe("a full data folder", { skip: problem }, () => {
  const lines: Line[] = [];
  const filler = join(mountPoint, "filler");
  let server: RunningServer;
  let c: RawClient;

  before(async () => {
    const config = loadConfig({
      env: {},
      flags: { dataDir: join(mountPoint, "data"), ...LOOPBACK_ANY_PORT, durability: "full" },
    });
    server = await startServer(config, recordingLogger(lines));
    for (const name of ["alice", "bob"])
      await server.core.accounts.createUser({ id: `${name}@starling.local`, password: passwordOf(name) });
    c = await RawClient.connect(server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
  });
  after(async () => {
    c?.close();
    await server?.close();
    execFileSync("umount", [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  const send = (id: string) =>
    c.call({
      case: "send",
      value: { toUserId: "bob", clientMsgId: id, content: { text: `${id} ${"x".repeat(4000)}` } },
    });
  const get = async (path: string) => {
    const r = await fetch(`http://127.0.0.1:${server.httpPort}${path}`);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  /** Polls until the server's readiness answers `status` (the store probes by itself). */
  const readyzBecomes = (status: number) =>
    poll(
      () => get("/readyz"),
      (r) => r.status === status,
      `/readyz ${status}`,
      { everyMs: 100 },
    );

  test("refuses sends at once as retryable, says why once, shows in /readyz, and recovers by itself", async () => {
    const acked: string[] = [];
    const first = await send("m0");
    assert.equal(first.body.case, "sendAck");
    acked.push("m0");
    assert.equal((await get("/readyz")).status, 200);

    // Fill the file system to the last byte.
    const fd = openSync(filler, "w");
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, "ENOSPC");
    }
    try {
      for (;;) writeSync(fd, chunk.subarray(0, 512));
    } catch {}
    closeSync(fd);

    // Pages already in the write-ahead log can still take a few messages; then every send is refused.
    let refused: string | undefined;
    for (let i = 1; i <= 200 && !refused; i++) {
      const id = `m${i}`;
      const r = await send(id);
      if (r.body.case === "sendAck") acked.push(id);
      else {
        assert.equal(r.body.case, "error");
        if (r.body.case !== "error") return;
        assert.equal(r.body.value.code, ErrorCode.UNAVAILABLE);
        assert.equal(r.body.value.retryable, true);
        assert.ok(r.body.value.retryAfterMs > 0, "the client is told when to try again");
        refused = id;
      }
    }
    assert.ok(refused, "a full disk refuses sends");
    for (let i = 0; i < 5; i++) {
      const r = await send(refused);
      assert.equal(r.body.case, "error", "still refused, promptly, while the disk is full");
    }
    assert.equal(c.closed, false, "the connection stays up");

    const notReady = await get("/readyz");
    assert.equal(notReady.status, 503);
    assert.deepEqual(notReady.body.failing, ["store"]);
    const store = (notReady.body.checks as Record<string, { ok: boolean; detail?: string }>).store;
    assert.match(store?.detail ?? "", /SQLITE_FULL/);
    const health = await get("/healthz");
    assert.equal(health.status, 200, "liveness: the process is fine");
    assert.match(String(health.body.db), /SQLITE_FULL/);

    const named = lines.filter((l) => l.level === "error" && /SQLITE_FULL/.test(l.msg));
    assert.equal(named.length, 1, "the cause is logged once for the whole episode");
    assert.equal(
      lines.filter((l) => /no transaction is active/.test(JSON.stringify(l))).length,
      0,
      "no rollback error hides the cause",
    );

    rmSync(filler);
    await readyzBecomes(200);
    assert.ok(
      lines.some((l) => l.level === "info" && /can write again/.test(l.msg)),
      "the recovery is logged",
    );
    // The client resends what was refused with the same id, and goes on.
    const again = await send(refused);
    assert.equal(again.body.case, "sendAck");
    acked.push(refused);
    assert.equal((await send("after")).body.case, "sendAck");
    acked.push("after");

    const conv = directConversationId("alice@starling.local", "bob@starling.local");
    const stored = await server.store.read.getMessages(conv, 0, Number.MAX_SAFE_INTEGER, 1000, false);
    assert.deepEqual(
      stored.map((m) => m.clientMsgId),
      acked,
      "every acknowledged message is stored, once, in order",
    );
    assert.deepEqual(
      stored.map((m) => m.seq),
      acked.map((_, i) => i + 1),
      "without a gap",
    );
  });
});

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { adminKey, type RuntimeInfo } from "../../src/index.js";
import { ChildServer, starling } from "../helpers/child-server.js";
import { admin, CRASHING_SENDER_FLAGS, pingsAt, startPeer } from "../helpers/federation-peers.js";
import { poll } from "../helpers/poll.js";
import type { TestServer } from "../helpers/test-server.js";

/**
 * The sending server (a separate process, linked through the CLI) killed with SIGKILL while pings
 * are being queued and sent, then started again: every ping it acknowledged to its enqueuer
 * arrives at the peer exactly once, with the seq it was acknowledged with.
 */
const dataDir = mkdtempSync(join(tmpdir(), "starling-fed-crash-"));
const sender = new ChildServer(dataDir, [...CRASHING_SENDER_FLAGS]);
let b: TestServer;

before(async () => {
  b = await startPeer("b.test");
});
after(async () => {
  await sender.stop();
  await b?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Queues one ping on the sender over its admin API; its seq, or undefined when not acknowledged. */
async function pingOn(info: RuntimeInfo, body: string): Promise<number | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${info.httpPort}/api/v1/admin/federation/links/b.test/ping`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey(dataDir)}`, "content-type": "application/json" },
      body: JSON.stringify({ body }),
    });
    if (r.status !== 200) return undefined;
    return Number(((await r.json()) as { seq: number }).seq);
  } catch {
    return undefined; // the server died with the request in flight: not acknowledged
  }
}

test("every ping acknowledged before a SIGKILL arrives exactly once after the restart", async () => {
  let info = await sender.start();
  const pin = new X509Certificate(readFileSync(join(dataDir, "tls", "cert.pem"))).fingerprint256;
  // b accepts a's certificate; b's own dialling towards a is beside the point here.
  const added = await admin(b, "POST", "/links", { peerDomain: "a.test", endpoint: "127.0.0.1:1", pin });
  assert.equal(added.status, 201);
  const out = starling([
    "federation",
    "add",
    "b.test",
    "--endpoint",
    `127.0.0.1:${b.server.federationPort}`,
    "--pin",
    b.server.tlsFingerprint,
    "--data-dir",
    dataDir,
  ]);
  assert.match(out, /linked b\.test/);

  const acked = new Map<string, number>();
  let n = 0;
  const load = async (count: number) => {
    const lanes = Array.from({ length: 4 }, async () => {
      while (n < count) {
        const body = `p${n++}`;
        const seq = await pingOn(info, body);
        if (seq !== undefined) acked.set(body, seq);
        else if (sender.proc?.exitCode !== null || sender.proc?.signalCode !== null) return;
      }
    });
    return Promise.all(lanes);
  };
  const running = load(100_000);
  // Kill it while pings are queued and frames are in flight to b.
  await poll(
    () => pingsAt(b, "a.test"),
    (got) => got.length >= 100,
    "the first pings at b",
  );
  await sender.kill();
  await running;
  const beforeKill = acked.size;
  assert.ok(beforeKill >= 100);

  info = await sender.start();
  const total = n + 200;
  await load(total);
  const want = [...acked.entries()].sort((x, y) => x[1] - y[1]);
  const got = await poll(
    () => pingsAt(b, "a.test"),
    (bodies) => want.every(([body]) => bodies.includes(body)),
    "every acknowledged ping at b",
    { limitMs: 60_000 },
  );
  assert.equal(new Set(got).size, got.length, "no ping applied twice");
  const rows = (await admin(b, "GET", "/links/a.test/pings")).body.pings as { seq: number; body: string }[];
  const seqOf = new Map(rows.map((r) => [r.body, r.seq]));
  for (const [body, seq] of want) assert.equal(seqOf.get(body), seq, `${body} arrived with its seq`);
  assert.deepEqual(
    rows.map((r) => r.seq),
    rows.map((_, i) => i + 1),
    "seqs applied without gaps, in order",
  );
});

test("the CLI lists, suspends, resumes and removes the link on the running server", async () => {
  const row = () =>
    starling(["federation", "list", "--data-dir", dataDir])
      .split("\n")
      .find((l) => l.startsWith("b.test\t"));
  assert.match(row() ?? "", /^b\.test\t127\.0\.0\.1:\d+\tactive\tpin [0-9A-F:]{95}\tqueued \d+\tapplied 0$/);
  assert.match(starling(["federation", "suspend", "b.test", "--data-dir", dataDir]), /suspended b\.test/);
  assert.match(row() ?? "", /\tsuspended\t/);
  assert.match(starling(["federation", "resume", "b.test", "--data-dir", dataDir]), /resumed b\.test/);
  assert.match(row() ?? "", /\tactive\t/);
  const audit = (await fetch(`http://127.0.0.1:${sender.info?.httpPort}/api/v1/admin/audit`, {
    headers: { authorization: `Bearer ${adminKey(dataDir)}` },
  }).then((r) => r.json())) as { entries: { action: string }[] };
  assert.deepEqual(
    audit.entries
      .map((e) => e.action)
      .filter((a) => a.startsWith("federation."))
      .reverse(),
    ["federation.add", "federation.suspend", "federation.resume"],
  );
  assert.match(starling(["federation", "remove", "b.test", "--data-dir", dataDir]), /removed b\.test/);
  assert.equal(row(), undefined);
});

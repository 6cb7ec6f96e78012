import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { poll } from "../helpers/poll.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "../helpers/stores.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const NATS = new URL(process.env.STARLING_TEST_NATS ?? "nats://127.0.0.1:4222");
const problem = await postgresUnavailable();
if (problem) console.log(`# cluster readiness test SKIPPED: ${problem}`);

interface Report {
  ready: boolean;
  failing: string[];
  checks: Record<string, { ok: boolean; detail?: string }>;
}

describe("readiness of a cluster node", { skip: problem }, () => {
  let schema: PgSchema;
  const proxy = new TcpProxy(NATS.hostname, Number(NATS.port || 4222));
  let ts: TestServer;

  before(async () => {
    schema = await createPgSchema("ready");
    const port = await proxy.start();
    ts = await startTestServer({
      db: schema.url(),
      bus: `nats://127.0.0.1:${port}`,
      busPrefix: `r${randomBytes(6).toString("hex")}`,
      nodeId: "solo",
    });
  });
  after(async () => {
    await proxy.restore();
    await ts.close();
    await proxy.cut();
    await schema.drop();
  });

  const readyz = async () => {
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/readyz`);
    return { status: r.status, body: (await r.json()) as Report };
  };
  /** The bus notices a lost connection by itself, a moment later: poll with a deadline. */
  const becomes = (status: number) =>
    poll(readyz, (r) => r.status === status, `/readyz ${status}`, { everyMs: 100 });

  test("is not ready while the bus is down, names it, and is ready again once it is back", async () => {
    const up = await readyz();
    assert.equal(up.status, 200);
    assert.deepEqual(up.body.failing, []);
    assert.equal(up.body.checks.bus?.ok, true, "a cluster node checks its bus");

    await proxy.cut();
    const down = await becomes(503);
    assert.equal(down.status, 503);
    assert.deepEqual(down.body.failing, ["bus"]);

    await proxy.restore();
    assert.equal((await becomes(200)).status, 200);
  });
});

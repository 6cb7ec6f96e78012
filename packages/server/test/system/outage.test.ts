import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { RawClient } from "../helpers/raw-client.js";
import { createPgSchema, PG_URL, type PgSchema, postgresUnavailable } from "../helpers/stores.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { passwordOf, startTestServer, type TestServer } from "../helpers/test-server.js";

const problem = await postgresUnavailable();
if (problem) console.log(`# database outage test SKIPPED: ${problem}`);

describe("a PostgreSQL outage", { skip: problem }, () => {
  let schema: PgSchema;
  const target = new URL(PG_URL);
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  let ts: TestServer;

  before(async () => {
    schema = await createPgSchema("outage");
    const port = await proxy.start();
    const via = new URL(PG_URL);
    via.port = String(port);
    via.hostname = "127.0.0.1";
    const db = schema.url(via.toString());
    ts = await startTestServer({ db });
    await ts.addUser("alice");
    await ts.addUser("bob");
  });
  after(async () => {
    await proxy.restore();
    await ts.close();
    await proxy.cut();
    await schema.drop();
  });

  const send = (c: RawClient, id: string) =>
    c.call({ case: "send", value: { toUserId: "bob", clientMsgId: id, content: { text: id } } });

  test("sends fail with a retryable error, never a false ack, and work again when the database returns", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    assert.equal((await send(c, "before")).body.case, "sendAck");

    await proxy.cut();
    const during = await send(c, "during");
    assert.equal(during.body.case, "error");
    if (during.body.case === "error") {
      assert.equal(during.body.value.code, ErrorCode.UNAVAILABLE);
      assert.equal(during.body.value.retryable, true);
    }
    assert.equal(c.closed, false, "the connection survives the outage");
    const readyz = await fetch(`http://127.0.0.1:${ts.server.httpPort}/readyz`);
    assert.equal(readyz.status, 503, "a store that cannot write is not ready");
    assert.deepEqual(((await readyz.json()) as { failing: string[] }).failing, ["store"]);

    await proxy.restore();
    // The client retries the same id; the server recovers by itself.
    let ack = await send(c, "during");
    for (let i = 0; i < 50 && ack.body.case !== "sendAck"; i++) ack = await send(c, "during");
    assert.equal(ack.body.case, "sendAck");
    if (ack.body.case === "sendAck")
      assert.equal(ack.body.value.seq, 2n, "stored once, right after the first");
    assert.equal((await fetch(`http://127.0.0.1:${ts.server.httpPort}/readyz`)).status, 200);
    c.close();
  });
});

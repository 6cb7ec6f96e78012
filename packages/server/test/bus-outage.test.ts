import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ErrorCode } from "@starling/protocol";
import { RawClient } from "./helpers/raw-client.js";
import { createPgSchema, type PgSchema, postgresUnavailable } from "./helpers/stores.js";
import { TcpProxy } from "./helpers/tcp-proxy.js";
import { passwordOf, startTestServer, type TestServer } from "./helpers/test-server.js";

const NATS = new URL(process.env.STARLING_TEST_NATS ?? "nats://127.0.0.1:4222");
const problem = await postgresUnavailable();
if (problem) console.log(`# bus outage test SKIPPED: ${problem}`);

describe("a NATS outage", { skip: problem }, () => {
  let schema: PgSchema;
  const proxy = new TcpProxy(NATS.hostname, Number(NATS.port || 4222));
  let ts: TestServer;

  before(async () => {
    schema = await createPgSchema("busout");
    const port = await proxy.start();
    ts = await startTestServer({
      db: schema.url(),
      bus: `nats://127.0.0.1:${port}`,
      busPrefix: `b${randomBytes(6).toString("hex")}`,
      nodeId: "solo",
    });
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
  /** Sends until the answer is of the wanted kind; the bus state changes asynchronously. */
  const sendUntil = async (c: RawClient, id: string, kind: "error" | "sendAck") => {
    let r = await send(c, id);
    for (let i = 0; i < 100 && r.body.case !== kind; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await send(c, id);
    }
    return r;
  };

  test("sends are refused as retryable while the bus is down and accepted once it is back", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    assert.equal((await send(c, "first")).body.case, "sendAck");

    await proxy.cut();
    const during = await sendUntil(c, "second", "error");
    assert.equal(during.body.case, "error");
    if (during.body.case === "error") {
      assert.equal(during.body.value.code, ErrorCode.UNAVAILABLE);
      assert.equal(during.body.value.retryable, true);
    }
    await proxy.restore();
    const ack = await sendUntil(c, "second", "sendAck");
    assert.equal(ack.body.case, "sendAck");
    if (ack.body.case === "sendAck")
      assert.equal(ack.body.value.seq, 2n, "nothing was stored while refusing");
    c.close();
  });
});

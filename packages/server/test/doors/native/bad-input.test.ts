import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CloseCode, ErrorCode, encodeEnvelope, encodeFrame } from "@starling/protocol";
import { RawClient } from "../../helpers/raw-client.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

describe("bad input on the native protocol", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.maxFrameBytes": 4096 });
    await ts.addUser("alice");
  });
  after(() => ts.close());

  const errorCode = (c: RawClient, id: number) => {
    const r = c.response(id);
    return r?.body.case === "error" ? r.body.value.code : undefined;
  };

  test("a request before hello gets HELLO_REQUIRED and only that connection closes", async () => {
    const bystander = await RawClient.connect(ts.server.tcpPort);
    bystander.hello(1, "alice", passwordOf("alice"));
    await bystander.until((c) => c.response(1) !== undefined);
    const c = await RawClient.connect(ts.server.tcpPort);
    c.send({ kind: { case: "request", value: { id: 5, body: { case: "ping", value: {} } } } });
    await c.closedByServer();
    assert.equal(errorCode(c, 5), ErrorCode.HELLO_REQUIRED);
    assert.equal(c.goodbye()?.code, CloseCode.PROTOCOL_ERROR);
    bystander.send({ kind: { case: "request", value: { id: 2, body: { case: "ping", value: {} } } } });
    await bystander.until((b) => b.response(2) !== undefined);
    assert.equal(bystander.response(2)?.body.case, "pong");
    bystander.close();
  });

  test("an oversize frame is refused from its length alone", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    // Announce 1 MiB but send only the length: the server must not wait for the body.
    c.sendBytes(encodeFrame(new Uint8Array(1024 * 1024)).subarray(0, 3));
    await c.closedByServer();
    assert.equal(c.goodbye()?.code, CloseCode.PROTOCOL_ERROR);
  });

  test("garbage bytes close the connection with a protocol error", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.sendBytes(encodeFrame(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02])));
    await c.closedByServer();
    assert.equal(c.goodbye()?.code, CloseCode.PROTOCOL_ERROR);
  });

  test("invalid UTF-8 is reported as INVALID_UTF8", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    const env = encodeEnvelope({
      kind: {
        case: "request",
        value: {
          id: 1,
          body: { case: "hello", value: { minVersion: 1, maxVersion: 1, client: { deviceId: "ZZZZ" } } },
        },
      },
    });
    env[Buffer.from(env).indexOf("ZZZZ")] = 0xc3;
    c.sendBytes(encodeFrame(env));
    await c.closedByServer();
    assert.match(c.goodbye()?.reason ?? "", /INVALID_UTF8/);
  });

  test("wrong password gets BAD_CREDENTIALS and an auth close", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", "not-the-password");
    await c.closedByServer();
    assert.equal(errorCode(c, 1), ErrorCode.BAD_CREDENTIALS);
    assert.equal(c.goodbye()?.code, CloseCode.AUTH_FAILED);
    assert.equal(c.goodbye()?.reconnect, false);
  });

  test("an unknown request type gets UNKNOWN_TYPE and the connection stays usable", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    // Request{id=2, field 99 (unknown) = varint 1}
    const unknown = new Uint8Array([0x0a, 0x05, 0x08, 0x02, 0x98, 0x06, 0x01]);
    c.sendBytes(encodeFrame(unknown));
    await c.until((x) => x.response(2) !== undefined);
    assert.equal(errorCode(c, 2), ErrorCode.UNKNOWN_TYPE);
    c.send({ kind: { case: "request", value: { id: 3, body: { case: "ping", value: {} } } } });
    await c.until((x) => x.response(3) !== undefined);
    assert.equal(c.response(3)?.body.case, "pong");
    c.close();
  });

  test("a huge member list is refused with INVALID_ARGUMENT", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    const memberIds = Array.from({ length: 501 }, (_, i) => `u${i}`);
    c.send({
      kind: {
        case: "request",
        value: { id: 2, body: { case: "createGroup", value: { name: "big", memberIds } } },
      },
    });
    await c.until((x) => x.response(2) !== undefined);
    assert.equal(errorCode(c, 2), ErrorCode.INVALID_ARGUMENT);
    assert.equal(c.closed, false);
    c.close();
  });

  test("a second hello is refused without closing", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    c.hello(2, "alice", passwordOf("alice"));
    await c.until((x) => x.response(2) !== undefined);
    assert.equal(errorCode(c, 2), ErrorCode.DUPLICATE_HELLO);
    assert.equal(c.closed, false);
    c.close();
  });

  test("the server is still healthy after all of this", async () => {
    const r = await fetch(`http://127.0.0.1:${ts.server.httpPort}/healthz`);
    assert.equal(r.status, 200);
  });
});

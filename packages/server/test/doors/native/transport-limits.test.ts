import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { CloseCode, decodeEnvelope, encodeEnvelope, encodeFrame } from "@starling/protocol";
import WebSocket from "ws";
import { RawClient } from "../../helpers/raw-client.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

describe("heartbeat, compression and WebSocket limits", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ "limits.heartbeatIntervalMs": 200, "limits.maxFrameBytes": 64 * 1024 });
    await ts.addUser("alice");
    await ts.addUser("bob");
  });
  after(() => ts.close());

  test("a connection that stops sending heartbeats is dropped with HEARTBEAT_TIMEOUT", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    assert.equal(c.response(1)?.body.case, "welcome");
    await c.closedByServer();
    const bye = c.goodbye();
    assert.equal(bye?.code, CloseCode.HEARTBEAT_TIMEOUT);
    assert.equal(bye?.reconnect, true);
  });

  const deflateLogin = async (user: string) => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.send({
      kind: {
        case: "request",
        value: {
          id: 1,
          body: {
            case: "hello",
            value: {
              minVersion: 1,
              maxVersion: 1,
              compression: ["deflate"],
              auth: { case: "password", value: { userId: user, password: passwordOf(user) } },
            },
          },
        },
      },
    });
    await c.until((x) => x.response(1) !== undefined);
    const welcome = c.response(1);
    assert.equal(welcome?.body.case === "welcome" && welcome.body.value.compression, "deflate");
    return c;
  };

  test("with deflate negotiated, large frames travel compressed both ways", async () => {
    const alice = await deflateLogin("alice");
    const bob = await deflateLogin("bob");
    const text = "compressible ".repeat(1000);
    const inner = encodeEnvelope({
      kind: {
        case: "request",
        value: {
          id: 2,
          body: { case: "send", value: { toUserId: "bob", clientMsgId: "big-1", content: { text } } },
        },
      },
    });
    alice.send({ kind: { case: "deflated", value: deflateRawSync(inner) } });
    await alice.until((x) => x.response(2) !== undefined);
    assert.equal(alice.response(2)?.body.case, "sendAck");
    await bob.until((x) => x.received.some((e) => e.kind.case === "deflated"));
    const deflated = bob.received.find((e) => e.kind.case === "deflated");
    const pushed = decodeEnvelope(inflateRawSync(deflated?.kind.value as Uint8Array));
    assert.equal(
      pushed.kind.case === "push" &&
        pushed.kind.value.body.case === "message" &&
        pushed.kind.value.body.value.content?.text,
      text,
    );
    alice.close();
    bob.close();
  });

  test("compression that was not negotiated is a protocol error", async () => {
    const c = await RawClient.connect(ts.server.tcpPort);
    c.hello(1, "alice", passwordOf("alice"));
    await c.until((x) => x.response(1) !== undefined);
    c.sendBytes(
      encodeFrame(encodeEnvelope({ kind: { case: "deflated", value: deflateRawSync(new Uint8Array(10)) } })),
    );
    await c.closedByServer();
    assert.match(c.goodbye()?.reason ?? "", /COMPRESSION_NOT_NEGOTIATED/);
  });

  const wsClose = (send: (ws: WebSocket) => void) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(ts.wsUrl);
      ws.on("open", () => send(ws));
      ws.on("close", (code) => resolve(code));
      ws.on("error", () => {});
      setTimeout(() => reject(new Error("no close")), 10_000).unref();
    });

  test("WebSocket: an oversize message closes with 1009, a text frame with PROTOCOL_ERROR", async () => {
    // The frame limit in effect is the configured one raised to hold the longest text allowed.
    assert.equal(await wsClose((ws) => ws.send(Buffer.alloc(1024 * 1024))), 1009);
    assert.equal(await wsClose((ws) => ws.send("hello")), CloseCode.PROTOCOL_ERROR);
    const health = await fetch(`http://127.0.0.1:${ts.server.httpPort}/healthz`);
    assert.equal(health.status, 200);
  });
});

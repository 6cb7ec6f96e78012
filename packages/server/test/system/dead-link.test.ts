import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Client, login } from "../helpers/clients.js";
import { TcpProxy } from "../helpers/tcp-proxy.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

/**
 * A network that goes away without closing anything (packets black-holed,
 * no FIN or RST): the client must notice by its own heartbeat, reconnect
 * once the network is back, and deliver what was sent meanwhile exactly once.
 */
describe("a silently dead link", () => {
  let ts: TestServer;
  const proxies: TcpProxy[] = [];

  before(async () => {
    // Short heartbeats so that two intervals pass quickly.
    ts = await startTestServer({ "limits.heartbeatIntervalMs": 500 });
    await ts.addUser("alice");
    await ts.addUser("bob");
  });
  after(async () => {
    for (const p of proxies) await p.cut();
    await ts.close();
  });

  for (const via of ["tls", "ws"] as const) {
    test(`over ${via}: noticed by the heartbeat, reconnected, the queued send delivered once`, async () => {
      const proxy = new TcpProxy("127.0.0.1", via === "tls" ? ts.server.tcpPort : ts.server.httpPort);
      proxies.push(proxy);
      const port = await proxy.start();
      const endpoint = via === "tls" ? `tls://127.0.0.1:${port}` : `ws://127.0.0.1:${port}/ws`;
      const alice = await login(ts, "alice", via, { endpoints: [endpoint] });
      const bob: Client = await login(ts, "bob", via);
      try {
        const first = await alice.sdk.send({ to: "bob", text: `${via} before` });
        await bob.until(() =>
          bob.messages.some((m) => m.seq === first.seq && m.conversationId === first.conversationId),
        );

        const states = alice.list("state").length;
        proxy.blackHole();
        // Nothing closes the socket: only the heartbeat can tell.
        await alice.until(
          () => alice.list("state").slice(states).includes("reconnecting"),
          "the client to notice the dead link",
        );
        const during = alice.sdk.send({ to: "bob", text: `${via} while away` });
        assert.equal(alice.sdk.pendingSends().length, 1);

        await proxy.restore();
        const ack = await during;
        await alice.until(() => alice.sdk.state === "online", "online again");
        await bob.until(
          () => bob.messages.some((m) => m.content?.text === `${via} while away`),
          "the queued message to arrive",
        );
        const copies = bob.in(ack.conversationId).filter((m) => m.content?.text === `${via} while away`);
        assert.equal(copies.length, 1, "delivered once");
        assert.equal(alice.sdk.pendingSends().length, 0);
      } finally {
        await alice.close();
        await bob.close();
      }
    });
  }
});

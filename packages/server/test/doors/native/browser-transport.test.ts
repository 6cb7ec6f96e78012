import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StarlingClient, webSocketTransportFactory } from "@starling/sdk";
import WebSocket from "ws";
import { login } from "../../helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../helpers/test-server.js";

/**
 * The browser entry of the SDK uses the platform's WebSocket. Node 20 has
 * none, so this test installs `ws` (which implements the same interface:
 * binaryType, onopen/onmessage/onclose, send, close) as the global one.
 */
describe("the SDK's browser entry over the platform WebSocket", () => {
  let ts: TestServer;
  const g = globalThis as { WebSocket?: unknown };
  const previous = g.WebSocket;
  before(async () => {
    g.WebSocket = WebSocket;
    ts = await startTestServer();
    await ts.addUser("alice");
    await ts.addUser("bob");
  });
  after(async () => {
    g.WebSocket = previous;
    await ts.close();
  });

  test("logs in, sends and receives with no Node-specific transport", async () => {
    const browser = new StarlingClient({
      endpoints: [ts.wsUrl],
      auth: { userId: "alice", password: passwordOf("alice") },
      device: { platform: "browser", deviceId: "tab-1" },
      transport: webSocketTransportFactory,
    });
    const got: string[] = [];
    browser.on("message", (m) => {
      if (m.content?.text) got.push(m.content.text);
    });
    const w = await browser.connect();
    assert.equal(w.userId, "alice@starling.local");
    assert.equal(w.compression, "", "a browser offers no compression");
    const bob = await login(ts, "bob");
    await bob.sdk.send({ to: "alice", text: "to the browser" });
    const ack = await browser.send({ to: "bob", text: "from the browser" });
    assert.equal(ack.duplicate, false);
    await bob.until(() => bob.messages.some((m) => m.content?.text === "from the browser"));
    const deadline = Date.now() + 10_000;
    while (!got.includes("to the browser") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, ["to the browser", "from the browser"]);
    await Promise.all([browser.close(), bob.close()]);
  });
});

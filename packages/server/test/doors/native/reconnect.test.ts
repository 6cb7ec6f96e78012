import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Client, login } from "../../helpers/clients.js";
import { startTestServer, type TestServer } from "../../helpers/test-server.js";

describe("reconnect and resend", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob"]) await ts.addUser(n);
  });
  after(() => ts.close());

  test("sends made while the server is down are delivered once after it returns; the peer catches up", async () => {
    const alice: Client = await login(ts, "alice");
    const bob: Client = await login(ts, "bob", "ws");
    const first = await alice.sdk.send({ to: "bob", text: "before restart" });
    await bob.until(() => bob.messages.length === 1);

    await ts.stop();
    await alice.until(
      () => alice.sdk.state === "reconnecting" || alice.sdk.state === "connecting",
      "alice notices",
    );
    const pending = Array.from({ length: 20 }, (_, i) =>
      alice.sdk.send({ to: "bob", text: `while down ${i}` }),
    );
    await ts.restart();

    const acks = await Promise.all(pending);
    acks.forEach((a, i) =>
      assert.equal(Number(a.seq), Number(first.seq) + 1 + i, "resent in their original order"),
    );
    await bob.until(() => bob.messages.length === 21, "bob gets all of them");
    bob.messages.slice(1).forEach((m, i) => assert.equal(m.content?.text, `while down ${i}`));
    assert.equal(new Set(bob.messages.map((m) => m.seq)).size, 21, "nothing twice");
    await alice.until(() => alice.sdk.state === "online", "alice back online");
    await Promise.all([alice.close(), bob.close()]);
  });

  test("a session token resumes without the password", async () => {
    const alice = await login(ts, "alice");
    const token = alice.sdk.token;
    assert.ok(token);
    await alice.close();
    const { createNodeClient } = await import("@starling/sdk/node");
    const again = createNodeClient({
      endpoints: [ts.tlsUrl],
      auth: { token },
      tls: { rejectUnauthorized: false },
    });
    const w = await again.connect();
    assert.equal(w.userId, "alice@starling.local");
    assert.equal(w.sessionToken, "", "no new token on resume");
    await again.close();
  });
});

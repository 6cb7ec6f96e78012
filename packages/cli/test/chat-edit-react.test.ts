import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { createNodeClient } from "@starling/sdk/node";
import { login } from "../../server/test/helpers/clients.js";
import { passwordOf, startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { runChat } from "../src/chat/chat-app.js";

/** Runs the terminal chat as `name` over piped input until it quits; returns what it printed. */
async function chat(ts: TestServer, name: string, lines: string[]): Promise<string> {
  const client = createNodeClient({
    endpoints: [ts.tlsUrl],
    auth: { userId: name, password: passwordOf(name) },
    tls: { rejectUnauthorized: false },
  });
  await client.connect();
  const input = new PassThrough();
  const output = new PassThrough();
  let out = "";
  output.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const done = runChat(client, input, output);
  input.end(`${lines.join("\n")}\n`);
  await done;
  return out;
}

describe("terminal chat: edit and react", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
    for (const n of ["alice", "bob"]) await ts.addUser(n);
  });
  after(() => ts.close());

  test("/edit and /react change messages; history shows (edited) and the reactions", async () => {
    const bob = await login(ts, "bob");
    try {
      const first = await bob.sdk.send({ to: "alice", text: "first from bob" });
      const out = await chat(ts, "alice", [
        "/open bob",
        "my words",
        `/edit ${Number(first.seq) + 1} my better words`,
        `/react ${first.seq} 👍`,
        "/history",
        `/react ${first.seq} 👍`,
        `/edit ${first.seq} not mine`,
        "/quit",
      ]);
      assert.match(out, /edited message #2: my better words/);
      assert.match(out, /\[2\] .* alice: my better words \(edited\)/);
      assert.match(out, /\[1\] .* bob: first from bob {2}\[👍 1\]/);
      assert.match(out, /alice took back 👍 on message #1/, "the same emoji again takes it back");
      assert.match(out, /error: only the sender can edit a message/);
    } finally {
      await bob.close();
    }
  });
});

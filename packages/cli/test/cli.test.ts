import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ChildServer, starling, starlingFails } from "../../server/test/helpers/child-server.js";

const dataDir = mkdtempSync(join(tmpdir(), "starling-cli-"));
const home = mkdtempSync(join(tmpdir(), "starling-home-"));
const env = { STARLING_HOME: home };
const d = ["--data-dir", dataDir];

describe("the starling command", () => {
  const server = new ChildServer(dataDir);
  before(() => {
    // Offline: no server is running yet, so these go straight to the database.
    starling(["user", "add", "alice", "--password", "alice-password", ...d]);
    starling(["user", "add", "bob", "--password", "bob-password", "--name", "Bob B", ...d]);
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  test("config check accepts a good configuration and lists every problem of a bad one", () => {
    assert.match(starling(["config", "check", ...d]), /configuration is valid/);
    const file = join(dataDir, "bad.json");
    writeFileSync(file, JSON.stringify({ tcp: { port: 99999 }, http: { port: "x" }, nonsense: 1 }));
    const r = starlingFails(["config", "check", "--config", file], {
      env: { STARLING_DOMAIN: "Not A Domain" },
    });
    assert.equal(r.status, 2);
    for (const p of ["tcp.port", "http.port", "nonsense", "domain"]) assert.match(r.stderr, new RegExp(p));
  });

  test("users and groups are managed while the server runs", async () => {
    await server.start();
    starling(["user", "add", "carol", "--password", "carol-password", ...d]);
    const users = starling(["user", "list", ...d]);
    for (const u of ["admin", "alice", "bob", "carol"])
      assert.match(users, new RegExp(`^${u}@starling.local`, "m"));
    assert.match(users, /bob@starling.local\tBob B/);
    const created = starling(["group", "create", "Ops", "--owner", "alice", "--members", "bob", ...d]);
    const gid = created.split("\t")[0] as string;
    assert.match(gid, /^g:/);
    starling(["group", "add-member", gid, "carol", ...d]);
    assert.match(starling(["group", "list", ...d]), new RegExp(`${gid}\\tOps\\t3 members`));
    starling(["group", "remove-member", gid, "carol", ...d]);
    assert.match(starling(["group", "list", ...d]), new RegExp(`${gid}\\tOps\\t2 members`));
    const dup = starlingFails(["user", "add", "carol", "--password", "carol-password", ...d]);
    assert.match(dup.stderr, /already exists/);
  });

  test("send and history work from scripts; login saves a session", () => {
    assert.match(
      starling(["login", "--user", "alice", "--password", "alice-password", ...d], { env }),
      /logged in as alice@starling.local/,
    );
    assert.match(starling(["send", "--to", "bob", "hello", "from", "the", "cli", ...d], { env }), /as #1/);
    const h = starling(["history", "--with", "alice", "--user", "bob", "--password", "bob-password", ...d], {
      env: { STARLING_HOME: join(home, "bob") },
    });
    assert.match(h, /\[1\] .* alice: hello from the cli/);
  });

  test("chat: open a conversation, send, and see the history", () => {
    const out = starling(["chat", ...d], { env, input: "/list\n/open bob\nsecond message\n/read\n/quit\n" });
    assert.match(out, /1\. bob/);
    assert.match(out, /alice: hello from the cli/);
    assert.match(out, /alice: second message/);
    assert.match(out, /bob has read up to #0/);
    const h = starling(["history", "--with", "bob", "--json", ...d], { env });
    const lines = h
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => l.text),
      ["hello from the cli", "second message"],
    );
  });

  test("passwd and disable take effect on the running server", () => {
    starling(["user", "passwd", "bob", "--password", "bob-new-password", ...d]);
    const old = starlingFails(
      ["history", "--with", "alice", "--user", "bob", "--password", "bob-password", ...d],
      {
        env: { STARLING_HOME: join(home, "bob2") },
      },
    );
    assert.match(old.stderr, /wrong user id or password/);
    starling(["user", "disable", "bob", ...d]);
    const disabled = starlingFails(
      ["history", "--with", "alice", "--user", "bob", "--password", "bob-new-password", ...d],
      {
        env: { STARLING_HOME: join(home, "bob3") },
      },
    );
    assert.match(disabled.stderr, /disabled/);
    assert.match(starling(["user", "list", ...d]), /bob@starling.local\tBob B\tuser\tdisabled/);
  });
});

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { RuntimeInfo } from "@starling/server";
import { ChildServer, starling, starlingFails } from "../../server/test/helpers/child-server.js";

const dataDir = mkdtempSync(join(tmpdir(), "starling-cli-bots-"));
const d = ["--data-dir", dataDir];

/** `starling bot ...` on the data folder, then against the running server. */
describe("starling bot", () => {
  const server = new ChildServer(dataDir);
  let info: RuntimeInfo | undefined;
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("makes a bot and its tokens with no server running", () => {
    assert.match(starling(["bot", "add", "ci", "--name", "CI", ...d]), /created bot ci@starling.local/);
    assert.match(starling(["user", "list", ...d]), /^ci@starling.local\tCI\tuser\tbot$/m);
    const out = starling([
      "bot",
      "token",
      "ci",
      "--scopes",
      "messages:send,messages:read",
      "--label",
      "build",
      ...d,
    ]);
    const [head, token] = out.trim().split("\n");
    assert.match(head ?? "", /^token \S+ \(messages:send messages:read\)$/);
    assert.match(token ?? "", /^sb_/);
    assert.match(starling(["bot", "tokens", "ci", ...d]), /\tmessages:send messages:read\tbuild$/m);
    const bad = starlingFails(["bot", "token", "ci", "--scopes", "everything", ...d]);
    assert.match(bad.stderr, /unknown scope everything/);
  });

  test("issues, lists and revokes tokens while the server runs", async () => {
    info = await server.start();
    const out = starling(["bot", "token", "ci", "--scopes", "groups:read", ...d]);
    const id = /^token (\S+) /.exec(out)?.[1] ?? "";
    assert.ok(id);
    assert.match(starling(["bot", "tokens", "ci", ...d]), new RegExp(`^${id}\\tgroups:read\\t$`, "m"));
    assert.match(starling(["bot", "revoke", "ci", id, ...d]), new RegExp(`revoked ${id}`));
    assert.doesNotMatch(starling(["bot", "tokens", "ci", ...d]), new RegExp(`^${id}\\t`, "m"));
    const again = starlingFails(["bot", "revoke", "ci", id, ...d]);
    assert.match(again.stderr, /no such token/);
  });

  test("makes, lists and revokes a group's webhook, which posts as the bot", async () => {
    assert.ok(info, "the server runs");
    starling(["user", "add", "alice", "--password", "alice-password", ...d]);
    const gid =
      starling(["group", "create", "Ops", "--owner", "alice", "--members", "ci", ...d]).split("\t")[0] ?? "";
    const [head, path] = starling(["bot", "hook", "add", gid, "ci", "--label", "alerts", ...d])
      .trim()
      .split("\n");
    const id = /^hook (\S+)$/.exec(head ?? "")?.[1] ?? "";
    assert.ok(id && path?.startsWith(`/api/v1/hooks/${id}/`), `${head} ${path}`);
    const url = `http://${info.httpHost}:${info.httpPort}${path}`;
    const post = () =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"text":"disk full"}',
      });
    assert.equal((await post()).status, 200);
    assert.match(
      starling(["bot", "hook", "list", gid, ...d]),
      new RegExp(`^${id}\\tci@starling.local\\talerts$`, "m"),
    );
    assert.match(starling(["bot", "hook", "revoke", gid, id, ...d]), new RegExp(`revoked ${id}`));
    assert.equal((await post()).status, 404);
  });
});

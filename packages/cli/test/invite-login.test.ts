import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BIN } from "../../server/test/helpers/child-server.js";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * `starling` as on another machine: its own working folder and home, a data folder that is
 * empty (so neither the server's certificate nor its runtime file can be read), no stdin.
 */
function elsewhere(home: string, args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args, "--data-dir", join(home, "no-data")],
      {
        cwd: home,
        encoding: "utf8",
        env: { ...process.env, STARLING_HOME: join(home, ".starling"), STARLING_PASSWORD: "" },
      },
      (err, stdout, stderr) =>
        done({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `starling` on the server's own machine, against its data folder. */
function onServer(ts: TestServer, args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", BIN, ...args, "--data-dir", ts.dataDir],
      { encoding: "utf8" },
      (err, stdout, stderr) =>
        done({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("starling login --invite from another machine", { timeout: 240_000 }, () => {
  let ts: TestServer;
  let work: string;

  before(async () => {
    ts = await startTestServer();
    work = mkdtempSync(join(tmpdir(), "starling-invite-"));
    await ts.addUser("alice");
    await ts.server.core.accounts.createUser({
      id: `erin@${ts.domain}`,
      password: "temporary-pw",
      mustChangePassword: true,
    });
  });
  after(async () => {
    await ts.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("the invite's link pins the self-signed certificate; the saved session keeps pinning", async () => {
    const made = await onServer(ts, [
      "invite",
      "--user",
      "erin",
      "--host",
      "127.0.0.1",
      "--no-terminal",
      "--png",
      join(work, "erin.png"),
    ]);
    assert.equal(made.status, 0, made.stderr);
    const link = made.stdout.split("\n")[0] ?? "";
    assert.match(
      link,
      /^http:\/\/127\.0\.0\.1:\d+\/\.well-known\/starling\?domain=.+#sha256=[0-9a-f]{64}&user=erin/,
    );
    assert.match(made.stdout, /activation code for erin@\S+: \w{4}-\w{4}-\w{4} \(single use/);

    const home = mkdtempSync(join(work, "laptop-"));
    const tampered = link.replace(/sha256=[0-9a-f]{2}/, (m) =>
      m.endsWith("00") ? "sha256=11" : "sha256=00",
    );
    const refused = await elsewhere(home, ["login", "--invite", tampered, "--new-password", "erin-own-pw"]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /not the one the invite names/);

    const noPassword = await elsewhere(home, ["login", "--invite", link]);
    assert.notEqual(noPassword.status, 0);
    assert.match(noPassword.stderr, /give --new-password/);

    const joined = await elsewhere(home, ["login", "--invite", link, "--new-password", "erin-own-pw"]);
    assert.equal(joined.status, 0, joined.stderr);
    assert.match(joined.stdout, /logged in as erin@/);
    // Later commands use the saved session and its pin: no certificate file on this machine.
    const sent = await elsewhere(home, ["send", "--to", "alice", "hello", "from", "the", "laptop"]);
    assert.equal(sent.status, 0, sent.stderr);
    assert.match(sent.stdout, /sent to .* as #1/);

    const used = await elsewhere(mkdtempSync(join(work, "phone-")), [
      "login",
      "--invite",
      link,
      "--new-password",
      "erin-other-pw",
    ]);
    assert.notEqual(used.status, 0);
    assert.match(used.stderr, /used already/);
  });
});

import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { starling, starlingFails } from "../../server/test/helpers/child-server.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIN = join(ROOT, "packages/cli/src/bin.ts");

describe("the starling command as a Unix tool", () => {
  const work = mkdtempSync(join(tmpdir(), "starling-cli-unix-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  test("an unknown command or option fails with a suggestion", () => {
    const cmd = starlingFails(["usr", "list"]);
    assert.equal(cmd.status, 1);
    assert.match(cmd.stderr, /unknown command 'usr'/);
    assert.match(cmd.stderr, /Did you mean user\?/);
    assert.equal(cmd.stdout, "");
    const far = starlingFails(["fedration"]);
    assert.notEqual(far.status, 0);
    assert.match(far.stderr, /unknown command 'fedration'/);
    const opt = starlingFails(["backup", "--out", work, "--dta-dir", work]);
    assert.notEqual(opt.status, 0);
    assert.match(opt.stderr, /Did you mean --data-dir\?/);
  });

  test("--version prints the package's version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(starling(["--version"]).trim(), pkg.version);
  });

  test("a reader that goes away (| head) ends the command quietly", async () => {
    const data = join(work, "data");
    starling(["user", "add", "bob", "--password", "bob-password", "--data-dir", data]);
    const proc = spawn(process.execPath, ["--import", "tsx", BIN, "user", "list", "--data-dir", data], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Close our end of stdout before the command writes anything: every write it makes meets EPIPE.
    proc.stdout.destroy();
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((r) => proc.once("close", (c) => r(c)));
    assert.equal(stderr, "");
    assert.equal(code, 0);
  });

  test("backup shows progress on a terminal and nothing on a pipe", () => {
    const data = join(work, "data");
    starling(["user", "add", "alice", "--password", "alice-password", "--data-dir", data]);
    // A pipe: the result on stdout, nothing on stderr.
    const piped = execFileSync(
      process.execPath,
      ["--import", "tsx", BIN, "backup", "--data-dir", data, "--out", join(work, "b1")],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    assert.match(piped, /backup of .* written to/);
    const quiet = spawnSyncStderr(["backup", "--data-dir", data, "--out", join(work, "b2")]);
    assert.equal(quiet, "");
    // A terminal (script(1) gives the command a pseudo-terminal): the progress line appears.
    const shell = [
      process.execPath,
      "--import",
      "tsx",
      BIN,
      "backup",
      "--data-dir",
      data,
      "--out",
      join(work, "b3"),
    ]
      .map((a) => `'${a}'`)
      .join(" ");
    const tty = execFileSync("script", ["-qec", shell, "/dev/null"], { cwd: ROOT, encoding: "utf8" });
    assert.match(tty, /backing up .*: \d+ of \d+ pages/);
    assert.match(tty, /backup of .* written to/);
  });
});

function spawnSyncStderr(args: string[]): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", BIN, ...args], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

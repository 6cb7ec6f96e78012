import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { asFlags, LOOPBACK_ANY_PORT } from "@starling/server";
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

  test("the first administrator's password goes to a terminal, or else to a 0600 file, never into the logs' stdout", {
    timeout: 120_000,
  }, async () => {
    const quiet = join(work, "served-quiet");
    const out = await serveOnce(quiet, false);
    const file = join(quiet, "first-admin-password");
    const saved = readFileSync(file, "utf8");
    const password = /password: (\S+)/.exec(saved)?.[1] ?? "";
    assert.ok(password.length >= 12, saved);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!out.includes(password), "the password is not on stdout");
    assert.match(out, /first-admin-password/);

    const shown = join(work, "served-tty");
    const onTty = await serveOnce(shown, true);
    assert.match(onTty, /password: \S{12,}/);
    assert.throws(() => statSync(join(shown, "first-admin-password")), /ENOENT/);
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

/** Runs `starling serve` (through script(1) when `tty`), returns its stdout once it says it runs, then stops it. */
async function serveOnce(dataDir: string, tty: boolean): Promise<string> {
  const args = [
    "--import",
    "tsx",
    BIN,
    "serve",
    "--data-dir",
    dataDir,
    ...asFlags(LOOPBACK_ANY_PORT),
    "--log-level",
    "warn",
  ];
  const shell = [process.execPath, ...args].map((a) => `'${a}'`).join(" ");
  const proc = tty
    ? spawn("script", ["-qec", shell, "/dev/null"], {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "inherit"],
        detached: true,
      })
    : spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], detached: true });
  let out = "";
  const closed = new Promise<void>((r) => proc.once("close", () => r()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => {
      out += String(d);
      // The first administrator's lines come last, before an empty line.
      if (/Starling is running[\s\S]*(password|First administrator)[\s\S]*\n\s*\n/.test(out)) resolve();
    });
    proc.once("exit", () => reject(new Error(`serve exited early:\n${out}`)));
  });
  // The whole group: script(1) and the server under it.
  process.kill(-(proc.pid as number), "SIGTERM");
  await closed;
  return out;
}

function spawnSyncStderr(args: string[]): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", BIN, ...args], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

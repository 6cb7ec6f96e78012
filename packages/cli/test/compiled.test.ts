import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { asFlags, LOOPBACK_ANY_PORT } from "@starling/server";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIN = join(ROOT, "packages/cli/bin/starling.mjs");
const NO_TYPESCRIPT = join(import.meta.dirname, "fixtures/no-typescript.mjs");

/**
 * This process's environment without NODE_OPTIONS, which the test runner sets to ask for the
 * sources: the compiled program runs as an installed one does, and here tsx and every
 * TypeScript file are refused (fixtures/no-typescript.mjs).
 */
function compiledEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}
const NODE_ARGS = ["--import", NO_TYPESCRIPT, BIN];

describe("the compiled starling, without tsx or TypeScript", () => {
  const work = mkdtempSync(join(tmpdir(), "starling-compiled-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  before(() => {
    // Incremental: quick when `npm run build` (or an earlier run) is up to date.
    const built = spawnSync(process.execPath, ["scripts/build.mjs", "--no-web"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(built.status, 0, `the build failed:\n${built.stdout}${built.stderr}`);
  });

  test("--version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")) as {
      version: string;
    };
    const r = spawnSync(process.execPath, [...NODE_ARGS, "--version"], {
      cwd: work,
      env: compiledEnv(),
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  test("serve starts, answers /readyz and stops on SIGTERM", async () => {
    const data = join(work, "data");
    const proc = spawn(
      process.execPath,
      [...NODE_ARGS, "serve", "--data-dir", data, ...asFlags(LOOPBACK_ANY_PORT)],
      {
        cwd: work,
        env: compiledEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
    let stderr = "";
    proc.stderr.setEncoding("utf8");
    proc.stderr.on("data", (c: string) => {
      stderr += c;
    });
    try {
      const httpPort = await new Promise<number>((resolvePort, reject) => {
        let buffered = "";
        proc.stdout.setEncoding("utf8");
        proc.stdout.on("data", (chunk: string) => {
          buffered += chunk;
          for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (!line.startsWith("{")) continue;
            const rec = JSON.parse(line) as { msg?: string; httpPort?: number };
            if (rec.msg === "starling is listening" && rec.httpPort) resolvePort(rec.httpPort);
          }
        });
        proc.once("exit", (code) =>
          reject(new Error(`serve exited with ${code} before listening:\n${stderr}`)),
        );
      });
      const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
      assert.equal(res.status, 200, await res.text());
    } finally {
      proc.kill("SIGTERM");
    }
    assert.equal(await exited, 0, stderr);
    assert.doesNotMatch(stderr, /TypeScript file was loaded|tsx/);
  });
});

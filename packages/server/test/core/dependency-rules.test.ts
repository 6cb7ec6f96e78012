import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const script = join(root, "scripts/check-deps.mjs");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function checkDeps(cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { cwd }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A small tree with the repository's rules, the layers of the server and the SDK's browser entry, clean. */
const CLEAN: Record<string, string> = {
  "packages/protocol/src/index.ts": "export const VERSION = 1;\n",
  "packages/server/src/core/kernel/clock.ts":
    'import { VERSION } from "../../../../protocol/src/index.js";\nexport const now = () => VERSION;\n',
  "packages/server/src/core/groups/store.ts": "export interface GroupStore { name(): string }\n",
  "packages/server/src/core/groups/groups.ts":
    'import type { GroupStore } from "./store.js";\nexport const read = (s: GroupStore) => s.name();\n',
  "packages/server/src/adapters/platform/system-clock.ts":
    'import { now } from "../../core/kernel/clock.js";\nexport const clock = now;\n',
  "packages/server/src/doors/net/listen.ts":
    'import net from "node:net";\nexport const server = () => net.createServer();\n',
  "packages/server/src/doors/native/listener.ts":
    'import { server } from "../net/listen.js";\nimport { now } from "../../core/kernel/clock.js";\nexport const start = () => [server(), now()];\n',
  "packages/server/src/main.ts":
    'import { clock } from "./adapters/platform/system-clock.js";\nimport { start } from "./doors/native/listener.js";\nexport const run = () => [clock(), start()];\n',
  "packages/sdk/src/index.ts":
    'import { VERSION } from "../../protocol/src/index.js";\nexport const v = VERSION;\n',
  "packages/sdk/src/node.ts":
    'import net from "node:net";\nexport * from "./index.js";\nexport const socket = () => new net.Socket();\n',
};

function fixture(
  t: { after(fn: () => void): void },
  files: Record<string, string>,
  knownCycles?: string[][],
): string {
  const dir = mkdtempSync(join(tmpdir(), "starling-deps-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(join(root, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
  copyFileSync(join(root, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
  if (knownCycles)
    writeFileSync(join(dir, ".dependency-cruiser-known-cycles.json"), JSON.stringify(knownCycles));
  for (const [path, text] of Object.entries({ ...CLEAN, ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function assertBroken(dir: string, rule: string, culprit: string): Promise<void> {
  const r = await checkDeps(dir);
  assert.notEqual(r.code, 0, `expected ${rule} to fail:\n${r.stdout}${r.stderr}`);
  const line = r.stderr.split("\n").find((l) => l.includes(`${rule}:`));
  assert.ok(line, `expected a line naming ${rule}:\n${r.stderr}`);
  assert.ok(line.includes(culprit), `expected ${culprit} in: ${line}`);
}

test("the repository's tree keeps the dependency rule", async () => {
  const r = await checkDeps(root);
  assert.equal(r.code, 0, r.stderr);
});

test("a clean tree passes, and each layer's violation fails naming its rule", async (t) => {
  assert.equal((await checkDeps(fixture(t, {}))).code, 0);

  await assertBroken(
    fixture(t, {
      "packages/server/src/core/kernel/bad.ts":
        'import { clock } from "../../adapters/platform/system-clock.js";\nexport const c = clock;\n',
    }),
    "core-imports-only-core",
    "core/kernel/bad.ts",
  );
  await assertBroken(
    fixture(t, {
      "packages/server/src/doors/native/bad.ts":
        'import { clock } from "../../adapters/platform/system-clock.js";\nexport const c = clock;\n',
    }),
    "doors-never-import-adapters",
    "doors/native/bad.ts",
  );
  await assertBroken(
    fixture(t, {
      "packages/server/src/core/messaging/bad.ts":
        'import type { GroupStore } from "../groups/store.js";\nexport type S = GroupStore;\n',
    }),
    "module-store-port-is-its-own",
    "core/groups/store.ts",
  );
  await assertBroken(
    fixture(t, {
      "packages/server/src/core/kernel/bad.ts":
        'import { readFile } from "node:fs/promises";\nexport const r = readFile;\n',
    }),
    "core-does-no-io",
    "core/kernel/bad.ts",
  );
  await assertBroken(
    fixture(t, {
      "packages/sdk/src/helper.ts":
        'import { createHash } from "node:crypto";\nexport const h = createHash;\n',
      "packages/sdk/src/index.ts": 'import { h } from "./helper.js";\nexport const hash = h;\n',
    }),
    "sdk-browser-entry-has-no-node",
    "sdk/src/helper.ts",
  );
  await assertBroken(
    fixture(t, {
      "packages/server/src/adapters/store/bad.ts":
        'import { clock } from "../platform/system-clock.js";\nexport const c = clock;\n',
    }),
    "adapters-stay-in-their-folder",
    "adapters/store/bad.ts",
  );
  await assertBroken(
    fixture(t, {
      "packages/protocol/src/bad.ts": 'import { v } from "../../sdk/src/index.js";\nexport const x = v;\n',
    }),
    "protocol-stands-alone",
    "protocol/src/bad.ts",
  );
});

test("a new cycle fails, a known one passes, and a known one that is gone fails", async (t) => {
  const cycle = {
    "packages/server/src/doors/native/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
    "packages/server/src/doors/native/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
  };
  const pair = ["packages/server/src/doors/native/b.ts", "packages/server/src/doors/native/a.ts"];
  await assertBroken(
    fixture(t, cycle),
    "no-cycles",
    "doors/native/a.ts -> packages/server/src/doors/native/b.ts",
  );
  assert.equal((await checkDeps(fixture(t, cycle, [pair]))).code, 0);
  await assertBroken(fixture(t, {}, [pair]), "known-cycles", "no longer occurs");
});

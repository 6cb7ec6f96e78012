// Finds every *.test.ts under packages/*/test (or the paths given) and runs them with node's test runner.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : readdirSync("packages").map((p) => join("packages", p, "test")))
  .filter((p) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  })
  .flatMap((p) => (statSync(p).isDirectory() ? find(p) : [p]))
  .sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
// The workspace packages resolve to their TypeScript sources (the "starling-source" export
// condition), in the test processes and in every process they start, `starling` included.
const nodeOptions = [process.env.NODE_OPTIONS, "--conditions=starling-source"].filter(Boolean).join(" ");
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  stdio: "inherit",
  env: { ...process.env, NODE_OPTIONS: nodeOptions },
});
process.exit(r.status ?? 1);

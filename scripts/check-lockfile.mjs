// Fails when package-lock.json lacks an entry for an optional dependency of a locked package.
// Native tools (biome, buf, esbuild, rollup, sharp, @node-rs/*) ship one optional package per
// platform; an install that could only reach some of them (a partial cache, one platform's
// registry mirror) still writes a lockfile and exits 0, and `npm ci` on any other platform then
// fails. Regenerate missing entries with
//   npm install --package-lock-only --ignore-scripts
// after deleting only the affected packages' entries, which keeps every other version as it is.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? "package-lock.json";
const { packages } = JSON.parse(readFileSync(file, "utf8"));

// The entry `name` resolves to from the package at `from`, searched upwards the way Node does.
function resolve(from, name) {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === "") return null;
    const i = dir.lastIndexOf("/node_modules/");
    dir = i >= 0 ? dir.slice(0, i) : "";
  }
}

const problems = [];
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const at = resolve(path, name);
    if (at === null) {
      problems.push(`${path || "(root)"}: optional dependency ${name}@${range} has no entry`);
    } else if (/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range) && packages[at].version !== range) {
      problems.push(`${path || "(root)"}: ${name} is locked at ${packages[at].version}, wants ${range}`);
    }
  }
}
if (problems.length > 0) {
  console.error(
    `${file} is missing platform packages; \`npm ci\` fails on other platforms:\n  ${problems.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(`${file}: every optional dependency has an entry`);

// `npm run build`: compiles protocol, sdk, server and cli to JavaScript and .d.ts in
// packages/<name>/dist (tsc project references, tsconfig.build.json), copies the files of src/ that
// are not TypeScript (plain .mjs modules the code loads at run time) beside them, and builds the
// web client into packages/web/dist.
//   node scripts/build.mjs            all of it
//   node scripts/build.mjs --no-web   the packages only
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["protocol", "sdk", "server", "cli"];

function run(cmd, args, shell = false) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", shell });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
run(process.execPath, [tsc, "-b", "tsconfig.build.json"]);

for (const name of PACKAGES) {
  const src = join(root, "packages", name, "src");
  for (const file of files(src)) {
    if (/\.tsx?$/.test(file)) continue;
    const to = join(root, "packages", name, "dist", relative(src, file));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(file, to);
  }
}

if (!process.argv.includes("--no-web")) {
  // npm is a .cmd script on Windows, which only a shell starts.
  run("npm", ["run", "build", "-w", "@starling/web"], process.platform === "win32");
}

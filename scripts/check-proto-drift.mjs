// Fails when the committed generated code differs from what proto/ generates now.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const committed = "packages/protocol/src/gen";
const out = mkdtempSync(join(tmpdir(), "starling-gen-"));
try {
  execFileSync("npx", ["buf", "generate", "-o", out], { stdio: "inherit" });
  const fresh = join(out, committed);
  const list = (dir) =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile())
      .sort();
  const a = list(committed);
  const b = list(fresh);
  const drift = [];
  for (const f of new Set([...a, ...b])) {
    const x = a.includes(f) ? readFileSync(join(committed, f), "utf8") : null;
    const y = b.includes(f) ? readFileSync(join(fresh, f), "utf8") : null;
    if (x !== y) drift.push(relative(".", join(committed, f)));
  }
  if (drift.length > 0) {
    console.error(`generated code is out of date; run \`npm run proto:gen\`:\n  ${drift.join("\n  ")}`);
    process.exit(1);
  }
  console.log("generated protocol code matches proto/");
} finally {
  rmSync(out, { recursive: true, force: true });
}

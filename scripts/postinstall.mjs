// `npm install`'s last step: builds the web client the server serves at /, when the tools to
// build it are installed. A production install (`npm ci --omit=dev`) has no Vite; it serves the
// web client built before (`npm run build`), so there is nothing to do and nothing to fail.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

try {
  createRequire(new URL("../packages/web/package.json", import.meta.url)).resolve("vite");
} catch {
  console.log("postinstall: no Vite (a production install); the web client is not rebuilt");
  process.exit(0);
}
// npm is a .cmd script on Windows, which only a shell starts.
const r = spawnSync("npm", ["run", "build:web"], { stdio: "inherit", shell: process.platform === "win32" });
process.exit(r.status ?? 1);

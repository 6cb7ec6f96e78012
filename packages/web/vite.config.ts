import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { build, defaultClientConditions, defineConfig, type Plugin } from "vite";

const conditions = [...defaultClientConditions, "starling-source"];

/**
 * Emojibase's compact data, cut at build time to what the emoji picker
 * reads (no skin-tone variants, no emoticons), which halves the chunk the
 * picker loads.
 */
function emojiData(): Plugin {
  const keep = ["hexcode", "unicode", "label", "group", "order", "tags"];
  return {
    name: "starling-emoji-data",
    enforce: "pre",
    transform(code, id) {
      if (!/emojibase-data[\\/][a-z-]+[\\/]compact\.json$/.test(id)) return undefined;
      const rows = JSON.parse(code) as Record<string, unknown>[];
      const cut = rows.map((r) => Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]])));
      return { code: JSON.stringify(cut), map: null };
    },
  };
}

/**
 * The service worker, built after the page as one classic script at
 * dist/sw.js (a worker registered at the root scope must be served from
 * the root; a classic script, because not every browser runs module
 * workers). It is told the build's files (every chunk, the lazy ones too,
 * so that any part of the app opens offline) and a shell version, a digest
 * of the page just built: every build that changes the page changes sw.js,
 * which makes browsers install the new worker and replace the cached shell.
 */
function serviceWorker(): Plugin {
  return {
    name: "starling-service-worker",
    apply: "build",
    async closeBundle() {
      const outDir = fileURLToPath(new URL("dist", import.meta.url));
      const page = readFileSync(`${outDir}/index.html`);
      const version = createHash("sha256").update(page).digest("hex").slice(0, 16);
      const files = readdirSync(`${outDir}/assets`).map((f) => `/assets/${f}`);
      await build({
        configFile: false,
        logLevel: "warn",
        resolve: { conditions },
        define: { __SHELL_VERSION__: JSON.stringify(version), __SHELL_FILES__: JSON.stringify(files) },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          target: "es2022",
          lib: {
            entry: fileURLToPath(new URL("src/sw.ts", import.meta.url)),
            formats: ["iife"],
            name: "starlingServiceWorker",
            fileName: () => "sw.js",
          },
        },
      });
    },
  };
}

/** Built into dist/, which the server serves at /; `npm run dev` proxies the API and /ws to a local server. */
export default defineConfig({
  plugins: [react(), emojiData(), serviceWorker()],
  // The SDK and the protocol from their TypeScript sources (their "starling-source" export
  // condition), so the web client builds from a checkout without compiling them first.
  resolve: { conditions },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/.well-known": "http://127.0.0.1:8080",
      "/ws": { target: "ws://127.0.0.1:8080", ws: true },
    },
  },
});

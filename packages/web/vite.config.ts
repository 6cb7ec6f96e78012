import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig, type Plugin } from "vite";

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

/** Built into dist/, which the server serves at /; `npm run dev` proxies the API and /ws to a local server. */
export default defineConfig({
  plugins: [react(), emojiData()],
  // The SDK and the protocol from their TypeScript sources (their "starling-source" export
  // condition), so the web client builds from a checkout without compiling them first.
  resolve: { conditions: [...defaultClientConditions, "starling-source"] },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, target: "es2022" },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/.well-known": "http://127.0.0.1:8080",
      "/ws": { target: "ws://127.0.0.1:8080", ws: true },
    },
  },
});

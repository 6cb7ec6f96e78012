import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/** Built into dist/, which the server serves at /; `npm run dev` proxies the API and /ws to a local server. */
export default defineConfig({
  plugins: [react()],
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

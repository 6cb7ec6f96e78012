import { startServer } from "@starling/server";
import type { Command } from "commander";
import { addConfigFlags, configFrom } from "../config-flags.js";

export function registerServe(program: Command): void {
  addConfigFlags(program.command("serve").description("run the server (SQLite in ./data by default)")).action(
    async (opts: Record<string, unknown>) => {
      const config = configFrom(opts);
      const server = await startServer(config);
      const out = process.stdout;
      out.write(`\nStarling is running for domain ${config.domain}\n`);
      out.write(
        `  native protocol  ${config.tcp.tls ? "tls" : "tcp"}://${config.tcp.host}:${server.tcpPort}\n`,
      );
      out.write(`  websocket        ws://${config.http.host}:${server.httpPort}/ws\n`);
      out.write(`  health           http://${config.http.host}:${server.httpPort}/healthz\n`);
      if (server.tlsFingerprint) out.write(`  TLS fingerprint  ${server.tlsFingerprint}\n`);
      if (server.firstAdmin) {
        out.write(
          "\n  First administrator created. This password is shown once; change it with `starling user passwd`.\n",
        );
        out.write(`    user:     ${server.firstAdmin.id}\n    password: ${server.firstAdmin.password}\n`);
      }
      out.write("\n");
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${signal}: shutting down\n`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`shutdown failed: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    },
  );
}

import { ConfigError } from "@starling/server";
import type { Command } from "commander";
import { addConfigFlags, configFrom } from "../config-flags.js";

export function registerConfigCommands(program: Command): void {
  const config = program.command("config").description("inspect the configuration");
  addConfigFlags(
    config.command("check").description("validate the configuration and print the result"),
  ).action((opts: Record<string, unknown>) => {
    try {
      const c = configFrom(opts);
      process.stdout.write(`configuration is valid\n${JSON.stringify(c, null, 2)}\n`);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      throw err;
    }
  });
}

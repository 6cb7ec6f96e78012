import {
  type ConfigSources,
  flagName,
  loadConfig,
  SETTINGS,
  type SettingKey,
  type StarlingConfig,
} from "@starling/server";
import type { Command } from "commander";

/** Adds one --flag per setting (and --config) to a command. */
export function addConfigFlags(cmd: Command): Command {
  cmd.option("-c, --config <file>", "JSON config file (default: ./starling.json if present)");
  for (const s of SETTINGS) {
    const name = flagName(s.key);
    const arg = s.type === "bool" ? `--${name} <true|false>` : `--${name} <value>`;
    cmd.option(arg, s.description);
  }
  return cmd;
}

/** The configuration from defaults, file, STARLING_* env and this command's flags. */
export function configFrom(opts: Record<string, unknown>): StarlingConfig {
  const flags: Partial<Record<SettingKey, unknown>> = {};
  for (const s of SETTINGS) {
    const v = opts[camel(flagName(s.key))];
    if (v !== undefined) flags[s.key] = v;
  }
  const sources: ConfigSources = { flags };
  if (typeof opts.config === "string") sources.file = opts.config;
  return loadConfig(sources);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerAdminCommands } from "./commands/admin.js";
import { registerBotCommands } from "./commands/bots.js";
import { registerUserCommands } from "./commands/client.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerDataCommands } from "./commands/data.js";
import { registerDeviceCommands } from "./commands/devices.js";
import { registerDirectoryCommands } from "./commands/directory.js";
import { registerFederationCommands } from "./commands/federation.js";
import { registerOnboardingCommands } from "./commands/onboarding.js";
import { registerServe } from "./commands/serve.js";
import type { StopSignals } from "./stop-signals.mjs";

/** The version of this package, read from its package.json (one level above src/ and any build output). */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** `signals`: the stop signals caught since the program started; `serve` claims them, other commands let them go. */
export function buildProgram(signals: StopSignals): Command {
  // Commander exits with status 1 on an unknown command or option and suggests the nearest
  // name ("Did you mean user?"); a short pointer to the help keeps that suggestion visible.
  const program = new Command("starling")
    .description("Starling: private-deployment enterprise instant messaging")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError("(run `starling --help` for the list of commands, `starling help COMMAND` for one)")
    .showSuggestionAfterError(true);
  program.hook("preAction", (_program, action) => {
    if (action.name() !== "serve") signals.release();
  });
  registerServe(program, signals);
  registerConfigCommands(program);
  registerAdminCommands(program);
  registerDirectoryCommands(program);
  registerFederationCommands(program);
  registerBotCommands(program);
  registerOnboardingCommands(program);
  registerUserCommands(program);
  registerDeviceCommands(program);
  registerDataCommands(program);
  return program;
}

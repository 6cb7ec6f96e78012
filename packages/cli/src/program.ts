import { Command } from "commander";
import { registerAdminCommands } from "./commands/admin.js";
import { registerUserCommands } from "./commands/client.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerDataCommands } from "./commands/data.js";
import { registerDirectoryCommands } from "./commands/directory.js";
import { registerOnboardingCommands } from "./commands/onboarding.js";
import { registerServe } from "./commands/serve.js";
import type { StopSignals } from "./stop-signals.mjs";

/** `signals`: the stop signals caught since the program started; `serve` claims them, other commands let them go. */
export function buildProgram(signals: StopSignals): Command {
  const program = new Command("starling")
    .description("Starling: private-deployment enterprise instant messaging")
    .version("0.1.0")
    .showHelpAfterError();
  program.hook("preAction", (_program, action) => {
    if (action.name() !== "serve") signals.release();
  });
  registerServe(program, signals);
  registerConfigCommands(program);
  registerAdminCommands(program);
  registerDirectoryCommands(program);
  registerOnboardingCommands(program);
  registerUserCommands(program);
  registerDataCommands(program);
  return program;
}

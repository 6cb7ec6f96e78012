import { Command } from "commander";
import { registerAdminCommands } from "./commands/admin.js";
import { registerUserCommands } from "./commands/client.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerDataCommands } from "./commands/data.js";
import { registerDirectoryCommands } from "./commands/directory.js";
import { registerOnboardingCommands } from "./commands/onboarding.js";
import { registerServe } from "./commands/serve.js";

export function buildProgram(): Command {
  const program = new Command("starling")
    .description("Starling: private-deployment enterprise instant messaging")
    .version("0.1.0")
    .showHelpAfterError();
  registerServe(program);
  registerConfigCommands(program);
  registerAdminCommands(program);
  registerDirectoryCommands(program);
  registerOnboardingCommands(program);
  registerUserCommands(program);
  registerDataCommands(program);
  return program;
}

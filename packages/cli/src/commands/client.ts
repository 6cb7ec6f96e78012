import type { Command } from "commander";

/** Client commands (chat, send, history) are registered here. */
export function registerUserCommands(_program: Command): void {}

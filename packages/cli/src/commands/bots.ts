import type { Command } from "commander";
import { addConfigFlags } from "../config-flags.js";
import { list, type Opts, withAdmin } from "./admin.js";

/** `starling bot ...`: bot accounts and their tokens (docs/bots.md). */
export function registerBotCommands(program: Command): void {
  const bot = program.command("bot").description("manage bot accounts and their tokens (docs/bots.md)");

  addConfigFlags(
    bot
      .command("add <id>")
      .description("create a bot account (no password; give it a token with `bot token`)")
      .option("--name <displayName>", "display name"),
  ).action((id: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const b = await api.addBot(id, opts.name as string | undefined);
      process.stdout.write(`created bot ${b.id}\n`);
    }),
  );

  addConfigFlags(
    bot
      .command("token <id>")
      .description("issue a token for the bot; it is printed once")
      .requiredOption("--scopes <list>", "comma-separated: messages:send, messages:read, groups:read")
      .option("--label <label>", "what the token is for"),
  ).action((id: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const t = await api.issueBotToken(id, list(String(opts.scopes)), opts.label as string | undefined);
      process.stdout.write(`token ${t.id} (${t.scopes.join(" ")})\n${t.token}\n`);
    }),
  );

  addConfigFlags(
    bot.command("tokens <id>").description("list the bot's tokens").option("--json", "print JSON"),
  ).action((id: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const tokens = await api.listBotTokens(id);
      if (opts.json) process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
      else for (const t of tokens) process.stdout.write(`${t.id}\t${t.scopes.join(" ")}\t${t.label}\n`);
    }),
  );

  addConfigFlags(bot.command("revoke <id> <token-id>").description("revoke one of the bot's tokens")).action(
    (id: string, tokenId: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        await api.revokeBotToken(id, tokenId);
        process.stdout.write(`revoked ${tokenId}\n`);
      }),
  );

  const hook = bot.command("hook").description("incoming webhooks that post into a group as a bot");

  addConfigFlags(
    hook
      .command("add <group> <bot>")
      .description("make a webhook; prints its path, with the secret, once")
      .option("--label <label>", "what posts through it"),
  ).action((group: string, botId: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const h = await api.addHook(group, botId, opts.label as string | undefined);
      process.stdout.write(`hook ${h.id}\n${h.path}\n`);
    }),
  );

  addConfigFlags(hook.command("list <group>").description("the group's webhooks")).action(
    (group: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        for (const h of await api.listHooks(group)) process.stdout.write(`${h.id}\t${h.botId}\t${h.label}\n`);
      }),
  );

  addConfigFlags(hook.command("revoke <group> <hook-id>").description("revoke a webhook")).action(
    (group: string, hookId: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        await api.revokeHook(group, hookId);
        process.stdout.write(`revoked ${hookId}\n`);
      }),
  );
}

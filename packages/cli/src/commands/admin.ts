import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { type AdminApi, connectAdmin } from "../admin-client.js";
import { addConfigFlags, configFrom } from "../config-flags.js";

export type Opts = Record<string, unknown>;

/** Runs an admin action against the running server or the data folder, and closes. */
export async function withAdmin(opts: Opts, fn: (api: AdminApi) => Promise<void>): Promise<void> {
  const api = await connectAdmin(configFrom(opts));
  try {
    await fn(api);
  } finally {
    await api.close();
  }
}

export const list = (v: string) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function registerAdminCommands(program: Command): void {
  const user = program.command("user").description("manage user accounts");

  addConfigFlags(
    user
      .command("add <id>")
      .description("create a user (prints a generated password unless --password is given)")
      .option("--password <password>", "initial password")
      .option("--name <displayName>", "display name")
      .option("--admin", "make the user an administrator")
      .option("--temporary", "the user must choose a new password at first login"),
  ).action((id: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const password =
        typeof opts.password === "string" ? opts.password : randomBytes(12).toString("base64url");
      const u = await api.addUser({
        id,
        password,
        displayName: opts.name as string | undefined,
        role: opts.admin ? "admin" : "user",
        temporary: opts.temporary === true,
      });
      process.stdout.write(`created ${u.id}${u.role === "admin" ? " (admin)" : ""}\n`);
      if (typeof opts.password !== "string") process.stdout.write(`password: ${password}\n`);
    }),
  );

  addConfigFlags(
    user
      .command("list")
      .description("list users")
      .option("--user-domain <domain>", "domain to list (default: the configured domain)")
      .option("--after <id>", "page after this id")
      .option("--limit <n>", "page size", "100")
      .option("--json", "print JSON"),
  ).action((opts: Opts) =>
    withAdmin(opts, async (api) => {
      const users = await api.listUsers(
        opts.userDomain as string | undefined,
        opts.after as string | undefined,
        Number(opts.limit),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      else
        for (const u of users)
          process.stdout.write(
            `${u.id}\t${u.displayName}\t${u.role}${u.bot ? "\tbot" : ""}${u.disabled ? "\tdisabled" : ""}\n`,
          );
    }),
  );

  addConfigFlags(
    user
      .command("passwd <id>")
      .description("set a new password (ends the user's sessions)")
      .option("--password <password>")
      .option("--temporary", "the user must choose a new password at the next login"),
  ).action((id: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const password =
        typeof opts.password === "string" ? opts.password : randomBytes(12).toString("base64url");
      await api.setPassword(id, password, opts.temporary === true);
      process.stdout.write(`password of ${id} changed\n`);
      if (typeof opts.password !== "string") process.stdout.write(`password: ${password}\n`);
    }),
  );

  addConfigFlags(user.command("disable <id>").description("disable an account and end its sessions")).action(
    (id: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        await api.setDisabled(id, true);
        process.stdout.write(`${id} disabled\n`);
      }),
  );

  addConfigFlags(user.command("enable <id>").description("enable a disabled account")).action(
    (id: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        await api.setDisabled(id, false);
        process.stdout.write(`${id} enabled\n`);
      }),
  );

  const group = program.command("group").description("manage groups");

  addConfigFlags(
    group
      .command("create <name>")
      .description("create a group")
      .requiredOption("--owner <id>", "the owner")
      .option("--members <ids>", "comma-separated member ids", ""),
  ).action((name: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      const g = await api.createGroup({
        name,
        owner: String(opts.owner),
        members: list(String(opts.members ?? "")),
      });
      process.stdout.write(`${g.id}\t${g.name}\t${g.memberCount} members\n`);
    }),
  );

  addConfigFlags(
    group.command("add-member <group> <ids>").description("add comma-separated users to a group"),
  ).action((g: string, ids: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      await api.addMembers(g, list(ids));
      process.stdout.write(`added to ${g}\n`);
    }),
  );

  addConfigFlags(
    group.command("remove-member <group> <ids>").description("remove comma-separated users from a group"),
  ).action((g: string, ids: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      await api.removeMembers(g, list(ids));
      process.stdout.write(`removed from ${g}\n`);
    }),
  );

  addConfigFlags(
    group
      .command("list")
      .description("list groups")
      .option("--user-domain <domain>", "domain to list")
      .option("--after <id>", "page after this id")
      .option("--limit <n>", "page size", "100")
      .option("--json", "print JSON"),
  ).action((opts: Opts) =>
    withAdmin(opts, async (api) => {
      const groups = await api.listGroups(
        opts.userDomain as string | undefined,
        opts.after as string | undefined,
        Number(opts.limit),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
      else
        for (const g of groups)
          process.stdout.write(
            `${g.id}\t${g.name}\t${g.memberCount} members${g.disbanded ? "\tdisbanded" : ""}\n`,
          );
    }),
  );
}

import { readFileSync, statSync } from "node:fs";
import type { Command } from "commander";
import { addConfigFlags } from "../config-flags.js";
import { progress } from "../progress.js";
import { type Opts, withAdmin } from "./admin.js";

/** Largest import file the CLI reads (the server has the same limit). */
const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export function registerDirectoryCommands(program: Command): void {
  const domain = program.command("domain").description("manage domains (tenants) hosted by this server");

  addConfigFlags(domain.command("add <name>").description("host a new domain, e.g. acme.example")).action(
    (name: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        const d = await api.addDomain(name);
        process.stdout.write(`domain ${d.name} added\n`);
      }),
  );

  addConfigFlags(domain.command("list").description("list domains").option("--json", "print JSON")).action(
    (opts: Opts) =>
      withAdmin(opts, async (api) => {
        const domains = await api.listDomains();
        if (opts.json) process.stdout.write(`${JSON.stringify(domains, null, 2)}\n`);
        else for (const d of domains) process.stdout.write(`${d.name}${d.disabled ? "\tdisabled" : ""}\n`);
      }),
  );

  addConfigFlags(
    domain.command("disable <name>").description("disconnect a domain's users and refuse their logins"),
  ).action((name: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      await api.setDomainDisabled(name, true);
      process.stdout.write(`domain ${name} disabled\n`);
    }),
  );

  addConfigFlags(domain.command("enable <name>").description("enable a disabled domain")).action(
    (name: string, opts: Opts) =>
      withAdmin(opts, async (api) => {
        await api.setDomainDisabled(name, false);
        process.stdout.write(`domain ${name} enabled\n`);
      }),
  );

  addConfigFlags(
    domain
      .command("push-previews <name> <setting>")
      .description(
        'whether the domain\'s push notifications show the message text: "text", "none" (sender and "new message" only), or "default" (the server\'s push.previews)',
      ),
  ).action((name: string, setting: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      if (setting !== "text" && setting !== "none" && setting !== "default")
        throw new Error('the setting is "text", "none" or "default"');
      await api.setDomainPushPreviews(name, setting === "default" ? "" : setting);
      process.stdout.write(`domain ${name}: push previews ${setting}\n`);
    }),
  );

  const imp = program.command("import").description("import data into the directory");
  addConfigFlags(
    imp
      .command("users <file>")
      .description(
        "upsert departments and users from a CSV or JSON file (columns id,name,department,title,email,phone,status,frozen, or the Startalk host_users layout)",
      )
      .option("--user-domain <domain>", "domain to import into (default: the configured domain)")
      .option("--dry-run", "check every row and report, change nothing")
      .option("--no-passwords", "give new users no password yet (set one later with user passwd --temporary)")
      .option("--json", "print the report as JSON"),
  ).action((file: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      if (statSync(file).size > MAX_IMPORT_BYTES) throw new Error(`${file} is larger than 50 MiB`);
      const text = readFileSync(file, "utf8");
      const kind = file.toLowerCase().endsWith(".json") || text.trimStart().startsWith("[") ? "json" : "csv";
      // A running server imports the whole file in one request (no count until it answers);
      // offline, the count moves chunk by chunk.
      const shown = progress(`importing ${file}`);
      shown.update("working", true);
      const r = await api
        .importUsers(opts.userDomain as string | undefined, text, kind, {
          dryRun: opts.dryRun === true,
          initialPasswords: opts.passwords !== false,
          onProgress: (done, total) => shown.update(`${done} of ${total} rows`),
        })
        .finally(() => shown.done());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      } else {
        const verb = r.dryRun ? "would import" : "imported";
        process.stdout.write(
          `${verb} (${r.format} layout): ${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.departmentsCreated} new departments, ${r.errors.length} rows refused\n`,
        );
        for (const e of r.errors) process.stdout.write(`line ${e.line}: ${e.message}\n`);
        if (r.initialPasswords.length > 0) {
          process.stdout.write("initial passwords (each must be changed at first login):\n");
          for (const p of r.initialPasswords) process.stdout.write(`${p.userId}\t${p.password}\n`);
        }
      }
      if (r.errors.length > 0) process.exitCode = 3;
    }),
  );
}

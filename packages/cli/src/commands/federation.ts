import { resolve } from "node:path";
import type { FederationAllowList } from "@starling/server";
import type { Command } from "commander";
import { addConfigFlags } from "../config-flags.js";
import { list, type Opts, withAdmin } from "./admin.js";

const KINDS = ["users", "departments", "groups"] as const;

/** `--allow users:alice,bob --allow departments:eng` into an allow-list; an unknown kind is an error. */
function allowList(values: string[]): FederationAllowList {
  const allow: FederationAllowList = { users: [], departments: [], groups: [] };
  for (const v of values) {
    const i = v.indexOf(":");
    const kind = v.slice(0, i) as (typeof KINDS)[number];
    if (i < 0 || !KINDS.includes(kind))
      throw new Error(`--allow ${v}: expected users:..., departments:... or groups:...`);
    allow[kind].push(...list(v.slice(i + 1)));
  }
  return allow;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerFederationCommands(program: Command): void {
  const fed = program
    .command("federation")
    .description("manage links to other Starling domains (docs/federation.md)");

  addConfigFlags(
    fed
      .command("add <peer-domain>")
      .description("link to another domain: both sides must add a link to each other")
      .requiredOption("--endpoint <host:port>", "the peer's federation listener")
      .option("--pin <fingerprint>", "SHA-256 fingerprint of the peer's certificate (colon hex)")
      .option("--ca <file>", "PEM file of the CA that signs the peer's certificate")
      .option(
        "--allow <kind:ids>",
        "who the peer may reach here: users:alice,bob / departments:eng / groups:<id> (repeatable; none: nobody)",
        collect,
        [],
      ),
  ).action((peer: string, opts: Opts) =>
    withAdmin(opts, async (api) => {
      if (Boolean(opts.pin) === Boolean(opts.ca)) throw new Error("give exactly one of --pin or --ca");
      const link = await api.addLink({
        peerDomain: peer,
        endpoint: String(opts.endpoint),
        ...(typeof opts.pin === "string" ? { pin: opts.pin } : {}),
        // The server reads the file, so it gets a path that does not depend on this shell's folder.
        ...(typeof opts.ca === "string" ? { caPath: resolve(opts.ca) } : {}),
        allow: allowList(opts.allow as string[]),
      });
      process.stdout.write(`linked ${link.peerDomain} at ${link.endpoint} (${link.pin ? "pinned" : "CA"})\n`);
    }),
  );

  addConfigFlags(fed.command("list").description("list links").option("--json", "print JSON")).action(
    (opts: Opts) =>
      withAdmin(opts, async (api) => {
        const links = await api.listLinks();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(links, null, 2)}\n`);
          return;
        }
        for (const l of links)
          process.stdout.write(
            `${l.peerDomain}\t${l.endpoint}\t${l.state}\t${l.pin ? `pin ${l.pin}` : `ca ${l.caPath}`}\tqueued ${l.queued}\tapplied ${l.appliedSeq}\n`,
          );
      }),
  );

  const change = (
    name: string,
    description: string,
    run: (api: Parameters<Parameters<typeof withAdmin>[1]>[0], peer: string) => Promise<void>,
    done: string,
  ) =>
    addConfigFlags(fed.command(`${name} <peer-domain>`).description(description)).action(
      (peer: string, opts: Opts) =>
        withAdmin(opts, async (api) => {
          await run(api, peer);
          process.stdout.write(`${done} ${peer}\n`);
        }),
    );
  change(
    "suspend",
    "stop the link both ways until resumed; frames stay queued",
    (api, p) => api.suspendLink(p),
    "suspended",
  );
  change("resume", "carry the link again", (api, p) => api.resumeLink(p), "resumed");
  change(
    "remove",
    "remove the link and whatever it still had queued",
    (api, p) => api.removeLink(p),
    "removed",
  );
}

import { resolve } from "node:path";
import {
  createLogger,
  type ImportReport,
  openCore,
  readStartalkDirectory,
  type StarlingConfig,
} from "@starling/server";
import { progress } from "../progress.js";

/** A table's line of the report: what was read, what came over, what did not and why. */
interface TableReport {
  read: number;
  imported: number;
  detail: string;
  skipped: { id: string; reason: string }[];
}

/**
 * Brings a Startalk deployment's directory into a Starling store: its hosts
 * (host_info) become domains, its users and departments (host_users) are
 * imported as `starling import users` imports them, keeping each user's
 * Startalk password hash until their first login. Rerunning changes nothing.
 * Returns whether every row came over.
 */
export async function migrateFromStartalk(
  sourceUrl: string,
  config: StarlingConfig,
  dryRun: boolean,
  out: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
  const shown = progress("migrating from Startalk");
  shown.update("reading host_info and host_users", true);
  const source = await readStartalkDirectory(sourceUrl).finally(() => shown.done());
  const { admin, store, bus, presence, blobs } = await openCore(
    { ...config, dataDir: resolve(config.dataDir) },
    createLogger("warn"),
  );
  const ctx = admin.systemContext("cli");
  const hosts: TableReport = {
    read: source.tables.host_info.read,
    imported: 0,
    detail: "",
    skipped: [...source.tables.host_info.skipped],
  };
  const users: TableReport = {
    read: source.tables.host_users.read,
    imported: 0,
    detail: "",
    skipped: [...source.tables.host_users.skipped],
  };
  const totals = { created: 0, updated: 0, unchanged: 0, departmentsCreated: 0, added: 0 };
  const initialPasswords: ImportReport["initialPasswords"] = [];
  try {
    for (const host of source.hosts) {
      const known = (await admin.listDomains(ctx)).some((d) => d.name === host.host);
      if (!known && !dryRun) {
        try {
          await admin.addDomain(ctx, host.host);
        } catch (err) {
          hosts.skipped.push({ id: host.id, reason: (err as Error).message });
          for (const u of host.users)
            users.skipped.push({ id: String(u.line), reason: `its host ${host.host} was not migrated` });
          continue;
        }
      }
      hosts.imported++;
      if (!known) totals.added++;
      const r = await admin.importRows(ctx, host.host, host.users, {
        dryRun,
        domainAddedFirst: !known,
        onProgress: (done, total) => shown.update(`${host.host}: ${done} of ${total} users`),
      });
      shown.done();
      totals.created += r.created;
      totals.updated += r.updated;
      totals.unchanged += r.unchanged;
      totals.departmentsCreated += r.departmentsCreated;
      users.imported += r.created + r.updated + r.unchanged;
      for (const e of r.errors) users.skipped.push({ id: String(e.line), reason: e.message });
      initialPasswords.push(...r.initialPasswords);
    }
  } finally {
    shown.done();
    await presence.close?.();
    await bus.close?.();
    await store.close();
    await blobs.close?.();
  }
  hosts.detail = `${totals.added} new domains`;
  users.detail = `${totals.created} new, ${totals.updated} updated, ${totals.unchanged} unchanged, ${totals.departmentsCreated} new departments`;
  const verb = dryRun ? "would import" : "imported";
  for (const [name, t] of [
    ["host_info", hosts],
    ["host_users", users],
  ] as const) {
    out.write(`${name}: ${t.read} read, ${t.imported} ${verb} (${t.detail}), ${t.skipped.length} skipped\n`);
    for (const s of t.skipped.sort((a, b) => Number(a.id) - Number(b.id)))
      out.write(`  ${name} id ${s.id}: ${s.reason}\n`);
  }
  out.write(
    `passwords: ${source.withoutPassword} users have no Startalk password and must be given one; the others log in with their Startalk password\n`,
  );
  if (initialPasswords.length > 0) {
    out.write("initial passwords (each must be changed at first login):\n");
    for (const p of initialPasswords) out.write(`${p.userId}\t${p.password}\n`);
  }
  return hosts.skipped.length === 0 && users.skipped.length === 0;
}

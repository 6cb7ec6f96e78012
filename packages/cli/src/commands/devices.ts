import type { PushDevice } from "@starling/sdk";
import type { Command } from "commander";
import { addClientFlags, type ClientFlags, connectClient } from "../connect.js";

/** One line per device: what a person needs to recognise it and to remove it. */
function deviceLine(d: PushDevice): string {
  const lastUsed = d.lastUsedAt > 0n ? new Date(Number(d.lastUsedAt)).toISOString() : "never";
  return [d.id, d.provider, d.platform, d.appId || "-", d.locale || "-", `last used ${lastUsed}`].join("\t");
}

/** The logged-in user's devices registered for push notifications. */
export function registerDeviceCommands(program: Command): void {
  const devices = addClientFlags(
    program
      .command("devices")
      .description("list your devices registered for push notifications")
      .option("--json", "print JSON"),
  ).action(async (flags: ClientFlags & { json?: boolean }) => {
    const client = await connectClient(flags);
    try {
      const list = await client.listPushDevices();
      if (flags.json) {
        const rows = list.map((d) => ({
          id: d.id,
          provider: d.provider,
          platform: d.platform,
          appId: d.appId,
          locale: d.locale,
          createdAt: Number(d.createdAt),
          lastUsedAt: Number(d.lastUsedAt),
        }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (list.length === 0) process.stdout.write("no devices registered for push notifications\n");
      else for (const d of list) process.stdout.write(`${deviceLine(d)}\n`);
    } finally {
      await client.close();
    }
  });

  addClientFlags(
    devices.command("remove <id>").description("stop push notifications to one of your devices"),
  ).action(async (id: string, _flags: ClientFlags, cmd: Command) => {
    // `devices` has the same flags and takes those given on its own line: read both.
    const client = await connectClient(cmd.optsWithGlobals<ClientFlags>());
    try {
      await client.unregisterPushDevice({ id });
      process.stdout.write(`device ${id} removed\n`);
    } finally {
      await client.close();
    }
  });
}

import { directConversationId } from "@starling/sdk";
import type { Command } from "commander";
import { runChat } from "../chat/chat-app.js";
import { addClientFlags, type ClientFlags, connectClient } from "../connect.js";
import { messageLine } from "../format.js";
import { loginWithInvite } from "../invite-login.js";
import { askSecrets, canAskSecret } from "../prompt-secret.js";

/** 1:1 conversation id for a peer, as the server derives it. */
function directId(me: string, peer: string): string {
  const domain = me.slice(me.indexOf("@") + 1);
  const full = peer.includes("@") ? peer.toLowerCase() : `${peer.toLowerCase()}@${domain}`;
  return directConversationId(me, full);
}

/** Asks twice for the new password of an account with an initial one, with the rules first. */
async function chooseOnTerminal(userId: string): Promise<string> {
  const terminal = { input: process.stdin, output: process.stderr };
  if (!canAskSecret(terminal))
    throw new Error(
      `${userId} must choose a new password first: run this on a terminal, or give --new-password`,
    );
  process.stderr.write(
    `${userId} has an initial password; choose a new one.\n` +
      "It must have at least 8 characters, differ from your user name and from the initial password.\n",
  );
  const [first = "", again] = await askSecrets(["New password: ", "New password again: "], terminal);
  if (first !== again) throw new Error("the two passwords are not the same");
  return first;
}

export function registerUserCommands(program: Command): void {
  addClientFlags(
    program
      .command("login")
      .description("log in and save the session token for later commands")
      .option(
        "--new-password <password>",
        "the new password, when the account must change its initial one or is activated (asked on a terminal otherwise)",
      )
      .option(
        "--invite <url>",
        "an invite link (starling invite): check and pin the server's certificate, activate the account",
      )
      .option(
        "--code <code>",
        "the activation code, when the invite link has none (asked on a terminal otherwise)",
      ),
  ).action(async (flags: ClientFlags & { newPassword?: string; invite?: string; code?: string }) => {
    if (flags.invite) {
      const who = await loginWithInvite(flags.invite, flags);
      process.stdout.write(`logged in as ${who}\n`);
      return;
    }
    if (!flags.user) throw new Error("give --user (or --invite)");
    let changed = false;
    const client = await connectClient(flags, {
      newPassword: async (userId) => {
        changed = true;
        return flags.newPassword ?? (await chooseOnTerminal(userId));
      },
    });
    if (changed) process.stdout.write("new password set\n");
    process.stdout.write(`logged in as ${client.userId}\n`);
    await client.close();
  });

  addClientFlags(
    program
      .command("send <text...>")
      .description("send one message and wait until the server has stored it")
      .option("--to <user>", "the other person of a 1:1 chat")
      .option("--group <id>", "a group conversation id"),
  ).action(async (words: string[], flags: ClientFlags & { to?: string; group?: string }) => {
    if (!flags.to === !flags.group) throw new Error("give exactly one of --to and --group");
    const client = await connectClient(flags);
    try {
      const text = words.join(" ");
      const ack = await client.send(
        flags.to ? { to: flags.to, text } : { conversationId: String(flags.group), text },
      );
      process.stdout.write(`sent to ${ack.conversationId} as #${ack.seq}\n`);
    } finally {
      await client.close();
    }
  });

  addClientFlags(
    program
      .command("history")
      .description("print the latest messages of a conversation")
      .option("--with <user>", "the other person of a 1:1 chat")
      .option("--group <id>", "a group conversation id")
      .option("-n, --limit <n>", "how many messages", "20")
      .option("--json", "print JSON lines"),
  ).action(async (flags: ClientFlags & { with?: string; group?: string; limit: string; json?: boolean }) => {
    if (!flags.with === !flags.group) throw new Error("give exactly one of --with and --group");
    const client = await connectClient(flags);
    try {
      const conv = flags.with ? directId(client.userId, flags.with) : String(flags.group);
      const c = await client.getConversation(conv);
      const page = await client.history(conv, {
        beforeSeq: Number(c.lastSeq) + 1,
        limit: Math.min(Number(flags.limit) || 20, 200),
      });
      for (const m of page.messages) {
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ seq: Number(m.seq), sender: m.senderId, time: Number(m.serverTime), text: m.content?.text ?? null, recalled: Boolean(m.recalled), edited: m.editedAt > 0n, reactions: Object.fromEntries(m.reactions.map((r) => [r.emoji, r.userIds])), event: m.event?.kind.case ?? null })}\n`,
          );
        } else process.stdout.write(`${messageLine(m, client.userId)}\n`);
      }
    } finally {
      await client.close();
    }
  });

  addClientFlags(program.command("chat").description("interactive terminal chat")).action(
    async (flags: ClientFlags) => {
      const client = await connectClient(flags);
      await runChat(client, process.stdin, process.stdout);
    },
  );
}

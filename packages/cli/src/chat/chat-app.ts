import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  type Conversation,
  directConversationId,
  isDirectConversationId,
  type Message,
  type StarlingClient,
} from "@starling/sdk";
import { messageLine, shortId, title } from "../format.js";

const HELP = `commands:
  /list                      conversations with unread counts
  /open <n | user | id>      open a conversation from the list, a 1:1 chat, or a group id
  /group <name> <a,b,...>    create a group and open it
  /history [n]               show the last n messages (default 20)
  /read                      who has read the last message
  /recall <seq>              recall one of your messages
  /edit <seq> <text>         replace the text of one of your messages
  /react <seq> <emoji>       react to a message (again: take the reaction back)
  /pins                      messages pinned in the open conversation
  /pin <seq>, /unpin <seq>   pin or unpin a message for everyone in it
  /fav <seq>                 save a message to your favourites
  /favs                      your favourites, newest first
  /members                   members of the open group
  /quit                      leave
anything else is sent to the open conversation`;

/**
 * The interactive terminal client: a conversation list with unread counts,
 * one open conversation with live messages, receipts and typing.
 */
export async function runChat(client: StarlingClient, input: Readable, output: Writable): Promise<void> {
  const me = client.userId;
  const tty = Boolean((input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input, output, terminal: tty, prompt: "> " });
  let open: Conversation | undefined;
  let listed: Conversation[] = [];

  const print = (line: string) => {
    if (tty) {
      output.write(`\r\x1b[K${line}\n`);
      rl.prompt(true);
    } else output.write(`${line}\n`);
  };
  const setPrompt = () => rl.setPrompt(open ? `[${title(open, me)}] > ` : "> ");
  const conversations = () =>
    [...client.conversations.values()]
      .filter((c) => c.active)
      .sort((a, b) => Number((b.lastMessage?.serverTime ?? 0n) - (a.lastMessage?.serverTime ?? 0n)));

  const showList = () => {
    listed = conversations();
    if (listed.length === 0) print("no conversations yet: /open <user> starts one");
    listed.forEach((c, i) => {
      const unread = c.unreadCount > 0 ? ` (${c.unreadCount} unread)` : "";
      const last = c.lastMessage?.content?.text ? `  ${c.lastMessage.content.text.slice(0, 50)}` : "";
      print(`${i + 1}. ${title(c, me)}${unread}${last}`);
    });
  };

  const showHistory = async (n = 20) => {
    if (!open) return print("no open conversation");
    const page = await client.history(open.id, { beforeSeq: Number(open.lastSeq) + 1, limit: n });
    // Messages deleted for me (on any device) stay out of what this user sees.
    const hidden = new Set(open.hiddenSeqs ?? []);
    for (const m of page.messages) if (!hidden.has(m.seq)) print(messageLine(m, me));
    const last = page.messages.at(-1);
    if (last) await client.markRead(open.id, last.seq);
  };

  const openConversation = async (arg: string) => {
    const n = Number(arg);
    let id = Number.isInteger(n) && n > 0 && listed[n - 1] ? (listed[n - 1] as Conversation).id : arg;
    if (!id.startsWith("g:") && !isDirectConversationId(id)) {
      const peer = arg.includes("@") ? arg : `${arg}@${me.slice(me.indexOf("@") + 1)}`;
      id = directConversationId(me, peer);
      if (!client.conversations.has(id)) {
        open = { id, kind: 1, peerId: peer, lastSeq: 0n } as Conversation;
        setPrompt();
        return print(`new chat with ${shortId(peer, me)}: type to send`);
      }
    }
    open = await client.getConversation(id);
    setPrompt();
    print(`-- ${title(open, me)} --`);
    await showHistory();
  };

  const command = async (line: string) => {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const arg = rest.join(" ");
    switch (cmd) {
      case "/help":
        return print(HELP);
      case "/list":
        return showList();
      case "/open":
        return openConversation(arg);
      case "/group": {
        const [name, members = ""] = rest;
        if (!name) return print("usage: /group <name> <a,b,...>");
        const g = await client.createGroup(name, members.split(",").filter(Boolean));
        return openConversation(g.id);
      }
      case "/history":
        return showHistory(Number(arg) || 20);
      case "/read": {
        if (!open) return print("no open conversation");
        const c = await client.getConversation(open.id);
        if (c.kind === 1)
          return print(
            `${shortId(c.peerId, me)} has read up to #${c.peerReadSeq}, received up to #${c.peerDeliveredSeq}`,
          );
        const r = await client.readers(open.id, c.lastSeq);
        return print(
          `#${c.lastSeq} read by ${r.readBy.length} of ${r.memberCount - 1}: ${r.readBy.map((u) => shortId(u, me)).join(", ")}`,
        );
      }
      case "/recall":
        if (!open) return print("no open conversation");
        return client.recall(open.id, Number(arg));
      case "/edit": {
        const [seq, ...words] = rest;
        if (!open || !seq || words.length === 0)
          return print("usage: /edit <seq> <text> (in a conversation)");
        return client.editMessage(open.id, Number(seq), words.join(" "));
      }
      case "/react": {
        const [seq, emoji] = rest;
        if (!open || !seq || !emoji) return print("usage: /react <seq> <emoji> (in a conversation)");
        // The same emoji again takes it back, as clicking a reaction does in graphical clients.
        const page = await client.history(open.id, { afterSeq: Number(seq) - 1, limit: 1 });
        const target = page.messages[0];
        const mine =
          target?.seq === BigInt(seq) &&
          target.reactions.some((r) => r.emoji === emoji && r.userIds.includes(me));
        return client.react(open.id, Number(seq), emoji, !mine);
      }
      case "/pins": {
        if (!open) return print("no open conversation");
        const c = await client.getConversation(open.id);
        if (c.pinnedSeqs.length === 0) return print("nothing pinned");
        for (const seq of c.pinnedSeqs) {
          const [m] = (await client.history(c.id, { afterSeq: seq - 1n, limit: 1 })).messages;
          if (m) print(`📌 ${messageLine(m, me)}`);
        }
        return;
      }
      case "/pin":
      case "/unpin":
        if (!open) return print("no open conversation");
        return client.pinMessage(open.id, Number(arg), cmd === "/pin");
      case "/fav": {
        if (!open) return print("no open conversation");
        await client.addFavourite(open.id, Number(arg));
        return print(`saved #${arg}`);
      }
      case "/favs": {
        const { favourites, hasMore } = await client.favourites({ limit: 20 });
        if (favourites.length === 0) return print("no favourites yet: /fav <seq> saves one");
        for (const f of favourites) {
          const c = client.conversations.get(f.conversationId);
          print(`(${c ? title(c, me) : f.conversationId}) ${messageLine(f.message, me)}`);
        }
        if (hasMore) print("(older ones not shown)");
        return;
      }
      case "/members": {
        if (!open) return print("no open conversation");
        const ms = await client.members(open.id);
        return print(ms.map((m) => `${shortId(m.userId, me)} (${m.role})`).join(", "));
      }
      case "/quit":
        rl.close();
        return;
      default:
        return print(`unknown command ${cmd}; /help lists them`);
    }
  };

  const send = async (text: string) => {
    if (!open) return print("open a conversation first: /list, /open <n | user>");
    const ack =
      open.kind === 1 && !client.conversations.has(open.id)
        ? await client.send({ to: open.peerId, text })
        : await client.send({ conversationId: open.id, text });
    if (!client.conversations.has(open.id)) open = await client.getConversation(ack.conversationId);
  };

  client.on("message", (m: Message) => {
    if (open && m.conversationId === open.id) {
      print(messageLine(m, me));
      open.lastSeq = m.seq;
      if (m.senderId !== me) void client.markRead(open.id, m.seq).catch(() => {});
    } else if (m.senderId !== me) {
      const c = client.conversations.get(m.conversationId);
      print(`(${c ? title(c, me) : m.conversationId}) ${messageLine(m, me)}`);
    }
  });
  client.on("receipt", (r) => {
    if (open && r.conversationId === open.id && r.userId !== me)
      print(`  ✓ ${shortId(r.userId, me)} read up to #${r.readSeq}`);
  });
  client.on("typing", (t) => {
    if (open && t.conversationId === open.id && t.typing) print(`  ${shortId(t.userId, me)} is typing…`);
  });
  client.on("state", (s) => {
    if (s === "reconnecting") print("-- connection lost, reconnecting --");
    if (s === "online") print("-- connected --");
  });

  print(`logged in as ${me}. /help lists commands.`);
  showList();
  setPrompt();
  rl.prompt();

  // Lines are handled one at a time, so piped input keeps its order.
  let chain = Promise.resolve();
  rl.on("line", (line) => {
    chain = chain.then(async () => {
      const text = line.trim();
      if (!text) return;
      try {
        await (text.startsWith("/") ? command(text) : send(text));
      } catch (err) {
        print(`error: ${err instanceof Error ? err.message : String(err)}`);
      }
      rl.prompt();
    });
  });
  await new Promise<void>((resolve) => rl.once("close", () => resolve()));
  await chain;
  await client.close();
}

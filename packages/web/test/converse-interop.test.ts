import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from "node:net";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Message, Receipt } from "@starling/sdk";
import { createNodeClient, type StarlingClient } from "@starling/sdk/node";
import type { Page } from "playwright-core";
import { chromiumMissing, password, WebHarness } from "./helpers/browser.js";

/**
 * Converse.js, as published on npm and unmodified, in Debian's chromium
 * against a real server over XMPP-over-WebSocket at /xmpp: login, the roster,
 * a message sent while it was offline, 1:1 both ways with a native user,
 * receipts and markers reaching that user, a file upload, a room, the
 * history from MAM in a fresh browser, and stream resumption (XEP-0198) after
 * the network drops. Screenshots go to test-output/web.
 */
if (chromiumMissing) console.log(`# Converse.js interop test SKIPPED: ${chromiumMissing}`);

const CONVERSE_DIST = fileURLToPath(new URL(".", import.meta.resolve("converse.js/dist/converse.min.js")));
const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
};

/** The page a deployment would put Converse on: its dist (an ES module since 12), and initialize() with our settings. */
function conversePage(settings: Record<string, unknown>): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Converse</title>
<link rel="stylesheet" href="/dist/converse.min.css">
</head><body class="converse-fullscreen">
<script type="module">
import converse from "/dist/converse.min.js";
converse.initialize(${JSON.stringify(settings)});
</script>
</body></html>`;
}

/** Serves Converse's dist from node_modules and one page, as a static web server in front of Converse would. */
async function serveConverse(page: () => string): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page());
      return;
    }
    const rel = normalize(decodeURIComponent(path.replace(/^\/dist\//, ""))).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(CONVERSE_DIST, rel));
      res.writeHead(200, { "content-type": TYPES[extname(rel)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Resolves once `pred` holds, re-checked whenever `wake` is called (and every half second), or fails after a minute. */
class Waitable {
  private waiters: (() => void)[] = [];

  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 500).unref();
      });
    }
  }

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** A native user over the SDK, recording what it receives so the test can wait on it. */
class Native extends Waitable {
  readonly messages: Message[] = [];
  readonly receipts: Receipt[] = [];

  constructor(readonly sdk: StarlingClient) {
    super();
    sdk.on("message", (m) => {
      this.messages.push(m);
      this.wake();
    });
    sdk.on("receipt", (r) => {
      this.receipts.push(r);
      this.wake();
    });
  }
}

/**
 * A TCP relay between the browser and the server that can lose the network:
 * cut() resets both halves of every connection (no WebSocket close, no XMPP
 * <close/>, as when a phone leaves coverage) and holds new connections
 * unanswered until restore(), so the client stays away as long as the test needs.
 */
class Network extends Waitable {
  readonly held: Socket[] = [];
  private readonly live = new Set<Socket>();
  private down = false;
  private server!: TcpServer;
  private target = 0;
  port = 0;

  static async start(targetPort: number): Promise<Network> {
    const n = new Network();
    n.server = createTcpServer((client) => {
      client.pause();
      client.on("error", () => {});
      if (n.down) n.held.push(client);
      else n.relay(client, targetPort);
      n.wake();
    });
    n.target = targetPort;
    await new Promise<void>((r) => n.server.listen(0, "127.0.0.1", r));
    n.port = (n.server.address() as AddressInfo).port;
    return n;
  }

  private relay(client: Socket, port: number): void {
    const upstream = connect(port, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    this.live.add(client).add(upstream);
    client.on("close", () => this.live.delete(client));
    upstream.on("close", () => this.live.delete(upstream));
    client.pipe(upstream).pipe(client);
  }

  cut(): void {
    this.down = true;
    for (const s of this.live) s.resetAndDestroy();
  }

  restore(): void {
    this.down = false;
    for (const c of this.held.splice(0)) this.relay(c, this.target);
  }

  async close(): Promise<void> {
    for (const s of [...this.live, ...this.held]) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

/** Every XMPP frame of a page's WebSockets, one record per socket in the order they opened. */
class Frames extends Waitable {
  readonly sockets: { sent: string[]; received: string[] }[] = [];

  constructor(page: Page) {
    super();
    page.on("websocket", (ws) => {
      const rec = { sent: [] as string[], received: [] as string[] };
      this.sockets.push(rec);
      ws.on("framesent", (f) => {
        rec.sent.push(String(f.payload));
        this.wake();
      });
      ws.on("framereceived", (f) => {
        rec.received.push(String(f.payload));
        this.wake();
      });
      this.wake();
    });
  }
}

const WAIT = { timeout: 60_000 };

describe("Converse.js (npm, unmodified) in chromium over /xmpp", { skip: chromiumMissing }, () => {
  let h: WebHarness;
  let web: { server: Server; base: string };
  let bob: Native;
  let settings: Record<string, unknown> = {};

  before(async () => {
    h = await WebHarness.start();
    await h.users(["bob", "Bob Li"], "sam", "ann");
    web = await serveConverse(() => conversePage(settings));
    const sdk = createNodeClient({
      endpoints: [`ws://127.0.0.1:${h.server.httpPort}/ws`],
      auth: { userId: "bob", password: password("bob") },
    });
    bob = new Native(sdk);
    await sdk.connect();
  });
  after(async () => {
    await bob?.sdk.close();
    await h?.close();
    await new Promise((r) => web?.server.close(r));
  });

  test("login, roster, offline delivery, 1:1 both ways with receipts and markers, upload, a room, history from MAM", async () => {
    const domain = h.domain;
    const conv = `d:bob@${domain}|sam@${domain}`;
    const group = await bob.sdk.createGroup("Interop", [`sam@${domain}`]);
    const room = `${group.id.slice(2)}@conference.${domain}`;
    await bob.sdk.send({ to: "sam", text: "sent while you were offline" });

    settings = converseSettings("sam", { auto_join_rooms: [room] });
    await inConverse(scenario);
    await inConverse(history);

    async function scenario(page: Page): Promise<void> {
      // Logged in: the roster lists the native partner (Converse showed a password error before).
      // (Converse lists a contact with unread messages twice: under "New messages" and its group.)
      const contact = page.locator("converse-roster").getByText("Bob Li").first();
      const refused = page.getByText("Your XMPP address and/or password is incorrect");
      await contact.or(refused).first().waitFor(WAIT);
      assert.ok(!(await refused.isVisible()), "Converse says its login was refused");

      // What was sent while Converse was offline arrives as a message at login, so it counts as
      // unread (a copy found only by paging the archive would not).
      const unread = page
        .locator("converse-roster a", { hasText: "Bob Li" })
        .first()
        .locator(".msgs-indicator");
      await unread.waitFor(WAIT);
      assert.equal(await unread.textContent(), "1");
      await h.shot(page, "converse-offline");

      // 1:1 from the native user.
      await contact.click();
      const chat = page.locator(`converse-chat[jid="bob@${domain}"]`);
      await chat.getByText("sent while you were offline").waitFor(WAIT);
      const ack = await bob.sdk.send({ to: "sam", text: "hello Converse" });
      await chat.getByText("hello Converse").waitFor(WAIT);

      // A receipt and a displayed marker from Converse show as delivered and read.
      await bob.until(
        () => bob.receipts.some((r) => r.conversationId === conv && r.deliveredSeq >= ack.seq),
        "Converse's delivery receipt",
      );
      await bob.until(
        () => bob.receipts.some((r) => r.conversationId === conv && r.readSeq >= ack.seq),
        "Converse's displayed marker",
      );

      // Converse replies: typed into its composer and sent with Enter.
      const composer = chat.locator("textarea.chat-textarea");
      await composer.fill("hello from Converse");
      await composer.press("Enter");
      await bob.until(
        () =>
          bob.messages.some((m) => m.conversationId === conv && m.content?.text === "hello from Converse"),
        "Converse's reply",
      );

      // Converse also pages the archive when a chat opens; the offline copy carried the archive's
      // stanza-id, so it is not shown twice.
      assert.equal(await chat.getByText("sent while you were offline").count(), 1);

      // A file through Converse's paperclip: XEP-0363 upload to this server, then a message with its URL.
      await chat.locator("input.fileupload").setInputFiles({
        name: "hello.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("hello from a file"),
      });
      await bob.until(
        () =>
          bob.messages.some(
            (m) => m.conversationId === conv && m.content?.attachments[0]?.name === "hello.txt",
          ),
        "Converse's upload as an attachment",
      );
      const file = bob.messages.find((m) => m.content?.attachments[0]?.name === "hello.txt")?.content
        ?.attachments[0];
      assert.equal(file?.size, 17n);
      await h.shot(page, "converse-chat");

      // The room Converse joined at login: a message each way.
      await bob.sdk.send({ conversationId: group.id, text: "hello room" });
      const muc = page.locator(`converse-muc[jid="${room}"]`);
      await page.locator("converse-rooms-list").getByText("Interop").click();
      await muc.getByText("hello room").waitFor(WAIT);
      const mucComposer = muc.locator("textarea.chat-textarea");
      await mucComposer.fill("hello from Converse in the room");
      await mucComposer.press("Enter");
      await bob.until(
        () =>
          bob.messages.some(
            (m) => m.conversationId === group.id && m.content?.text === "hello from Converse in the room",
          ),
        "Converse's room message",
      );
      await h.shot(page, "converse-room");
    }

    /** A fresh browser, nothing cached: the chat's history can only come from the archive (MAM). */
    async function history(page: Page): Promise<void> {
      await page.locator("converse-roster").getByText("Bob Li").first().click(WAIT);
      const chat = page.locator(`converse-chat[jid="bob@${domain}"]`);
      for (const text of ["sent while you were offline", "hello Converse", "hello from Converse"])
        await chat.getByText(text).waitFor(WAIT);
      await h.shot(page, "converse-history");
    }
  });

  test("stream resumption: the network drops, a message arrives meanwhile, and Converse resumes its stream", async () => {
    const domain = h.domain;
    const net = await Network.start(h.server.httpPort);
    try {
      // Something to open the chat with, so the roster lists the native user.
      await bob.sdk.send({ to: "ann", text: "before the drop" });
      settings = converseSettings("ann", { websocket_url: `ws://127.0.0.1:${net.port}/xmpp` });
      await inConverse(async function resumption(page, frames) {
        await page.locator("converse-roster").getByText("Bob Li").first().click(WAIT);
        const chat = page.locator(`converse-chat[jid="bob@${domain}"]`);
        await chat.getByText("before the drop").waitFor(WAIT);

        // Stream management is on by default in Converse and asked for with resume="true".
        const enabled = () => frames.sockets[0]?.received.find((f) => f.startsWith("<enabled"));
        await frames.until(() => /resume=["'](true|1)["']/.test(enabled() ?? ""), "<enabled resume='true'/>");
        const streamId = /\bid=["']([^"']+)["']/.exec(enabled() ?? "")?.[1];
        assert.ok(streamId, `no resumption id in ${enabled()}`);

        // The network goes: both TCP halves reset, Converse's next connection hangs unanswered.
        net.cut();
        await net.until(() => net.held.length > 0, "Converse trying to reconnect");
        const away = await bob.sdk.send({ to: "ann", text: "sent while you were away" });
        assert.ok(away.seq > 0);

        // The network comes back: the new stream resumes the old one rather than binding anew.
        net.restore();
        const last = () => frames.sockets.at(-1);
        await frames.until(
          () => frames.sockets.length > 1 && !!last()?.received.some((f) => /^<(resumed|failed)\b/.test(f)),
          "<resumed/> or <failed/> on the new stream",
        );
        const again = last();
        const resumed = again?.received.find((f) => f.startsWith("<resumed"));
        assert.ok(
          resumed,
          `Converse's stream was not resumed: ${again?.received.find((f) => f.startsWith("<failed"))}`,
        );
        assert.match(resumed, new RegExp(`previd=["']${streamId}["']`));
        assert.ok(
          again?.sent.some((f) => f.startsWith("<resume") && f.includes(streamId)),
          "Converse sent no <resume/>",
        );
        assert.ok(
          !again?.sent.some((f) => f.includes("urn:ietf:params:xml:ns:xmpp-bind")),
          "Converse bound anew",
        );

        // What arrived while it was away is shown once; a message after it proves nothing more is coming.
        await chat.getByText("sent while you were away").waitFor(WAIT);
        await bob.sdk.send({ to: "ann", text: "after you came back" });
        await chat.getByText("after you came back").waitFor(WAIT);
        assert.equal(await chat.getByText("sent while you were away").count(), 1);
        assert.equal(await chat.getByText("before the drop").count(), 1);
        await h.shot(page, "converse-resumed");
      });
    } finally {
      await net.close();
    }
  });

  /** What a deployment passes to converse.initialize() for `user`, over /xmpp unless `websocketUrl` says otherwise. */
  function converseSettings(user: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      websocket_url: `ws://127.0.0.1:${h.server.httpPort}/xmpp`,
      authentication: "login",
      auto_login: true,
      jid: `${user}@${h.domain}`,
      password: password(user),
      discover_connection_methods: false,
      view_mode: "fullscreen",
      assets_path: "/dist/",
      i18n: "en",
      play_sounds: false,
      show_controlbox_by_default: true,
      loglevel: "info",
      ...extra,
    };
  }

  /** Runs `steps` in a new browser context with Converse logged in; on failure, a screenshot and its console. */
  async function inConverse(steps: (page: Page, frames: Frames) => Promise<void>): Promise<void> {
    const context = await h.browser.newContext({ locale: "en-US", viewport: { width: 1200, height: 760 } });
    const page = await context.newPage();
    const frames = new Frames(page);
    const log: string[] = [];
    page.on("console", (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    try {
      await page.goto(web.base);
      await steps(page, frames);
    } catch (e) {
      await h.shot(page, `converse-failure-${steps.name}`).catch(() => {});
      throw new Error(`${(e as Error).message}\nConverse's console:\n${log.slice(-60).join("\n")}`);
    } finally {
      await context.close();
    }
  }
});

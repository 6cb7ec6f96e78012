import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, SendMessageSchema } from "@starling/protocol";
import {
  LOOPBACK_ANY_PORT,
  loadConfig,
  type RunningServer,
  type ServerOptions,
  startServer,
} from "@starling/server";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.STARLING_CHROMIUM ?? "/usr/bin/chromium";
const WEB_ROOT = join(here, "..", "..", "dist");
const SHOTS = join(here, "..", "..", "..", "..", "test-output", "web");

/** Why chromium cannot be driven here, if it cannot (tests that do not need the built client). */
export const chromiumMissing = !existsSync(CHROMIUM)
  ? `chromium not found at ${CHROMIUM} (apt-get install chromium)`
  : undefined;

/** Why browser tests of the web client cannot run here, if they cannot. */
export const browserMissing =
  chromiumMissing ??
  (!existsSync(join(WEB_ROOT, "index.html")) ? "the web client is not built (npm run build:web)" : undefined);

/** Debian's chromium, headless, as every browser test drives it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

/** Where a screenshot named `name` goes (test-output/web), for checking by eye. */
export function shotPath(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, `${name}.png`);
}

export const password = (name: string) => `pw-${name}-secret`;

/** A real server on port 0 serving the built client, and a browser to drive it. */
export class WebHarness {
  server!: RunningServer;
  browser!: Browser;
  domain = "";
  base = "";
  private dataDir = "";
  private config!: ReturnType<typeof loadConfig>;
  private options: ServerOptions = {};
  private readonly contexts: BrowserContext[] = [];

  /** `flags` are server settings for this run (e.g. smaller upload limits); `options` what a test hands the server (push providers). */
  static async start(flags: Record<string, unknown> = {}, options: ServerOptions = {}): Promise<WebHarness> {
    const h = new WebHarness();
    mkdirSync(SHOTS, { recursive: true });
    h.dataDir = mkdtempSync(join(tmpdir(), "starling-web-"));
    const config = loadConfig({
      env: {},
      flags: {
        dataDir: h.dataDir,
        ...LOOPBACK_ANY_PORT,
        "http.webRoot": WEB_ROOT,
        "log.level": "silent",
        durability: "normal",
        ...flags,
      },
    });
    h.server = await startServer(config, undefined, options);
    h.config = config;
    h.options = options;
    h.domain = config.domain;
    h.base = `http://127.0.0.1:${h.server.httpPort}/`;
    h.browser = await launchChromium();
    return h;
  }

  /** Stops the server, runs `whileDown`, and starts it again on the same data folder and ports. */
  async restart(whileDown: () => Promise<void> = async () => {}): Promise<void> {
    const ports = { tcp: this.server.tcpPort, http: this.server.httpPort };
    await this.server.close();
    await whileDown();
    this.server = await startServer(
      {
        ...this.config,
        tcp: { ...this.config.tcp, port: ports.tcp },
        http: { ...this.config.http, port: ports.http },
      },
      undefined,
      this.options,
    );
  }

  /** Creates users whose password is password(name), with an optional display name. */
  async users(...names: (string | [string, string])[]): Promise<void> {
    for (const n of names) {
      const [id, displayName] = typeof n === "string" ? [n, undefined] : n;
      await this.server.core.accounts.createUser({
        id: `${id}@${this.server.core.accounts.defaultDomain}`,
        password: password(id),
        ...(displayName ? { displayName } : {}),
      });
    }
  }

  /** A message sent through the core (no browser), e.g. to have a chat to open. */
  async send(
    from: string,
    to: string,
    text: string,
    clientMsgId = `${from}-${Date.now()}-${Math.random()}`,
  ): Promise<{ conversationId: string; seq: number }> {
    return this.server.core.send(
      `${from}@${this.domain}`,
      create(SendMessageSchema, { toUserId: `${to}@${this.domain}`, clientMsgId, content: { text } }),
    );
  }

  /**
   * A new browser context, logged in as `name` (English unless a locale is
   * given), on the page at `base` (the server's own address unless given, e.g. a proxy's).
   */
  async login(
    name: string,
    opts: { locale?: string; width?: number; height?: number; base?: string } = {},
  ): Promise<Page> {
    const context = await this.browser.newContext({
      locale: opts.locale ?? "en-US",
      viewport: { width: opts.width ?? 1100, height: opts.height ?? 720 },
    });
    this.contexts.push(context);
    const page = await context.newPage();
    await page.goto(opts.base ?? this.base);
    const zh = (opts.locale ?? "").startsWith("zh");
    await page.getByLabel(zh ? "账号" : "User").fill(name);
    await page.getByLabel(zh ? "密码" : "Password").fill(password(name));
    await page.getByRole("button", { name: zh ? "登录" : "Sign in" }).click();
    await page.getByTestId("me").waitFor();
    return page;
  }

  /** A new browser context, not logged in (the default viewport unless one is given). */
  async newPage(locale = "en-US", viewport?: { width: number; height: number }): Promise<Page> {
    const context = await this.browser.newContext({ locale, ...(viewport ? { viewport } : {}) });
    this.contexts.push(context);
    return context.newPage();
  }

  shot(page: Page, name: string): Promise<Buffer> {
    return page.screenshot({ path: shotPath(name) });
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => {});
    await this.browser?.close();
    await this.server?.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

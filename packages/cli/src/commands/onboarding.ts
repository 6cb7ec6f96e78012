import { existsSync, readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import tls from "node:tls";
import { formatInviteLink, normaliseFingerprint } from "@starling/sdk";
import { ensureTls, type RuntimeInfo, runtimeFile, type StarlingConfig } from "@starling/server";
import type { Command } from "commander";
import QRCode from "qrcode";
import WebSocket from "ws";
import { connectAdmin } from "../admin-client.js";
import { addConfigFlags, configFrom } from "../config-flags.js";
import type { Opts } from "./admin.js";

interface NavDocument {
  domain: string;
  serverVersion: string;
  endpoints: { native: string; websocket: string; http: string };
  tls: { fingerprintSha256: string } | null;
}

/** The running server's HTTP origin from its runtime file, or undefined. */
function runningOrigin(config: StarlingConfig): { origin: string; info: RuntimeInfo } | undefined {
  const file = runtimeFile(resolve(config.dataDir));
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, "utf8")) as RuntimeInfo;
  const host = info.httpHost.includes(":") ? `[${info.httpHost}]` : info.httpHost;
  return { origin: `http://${host}:${info.httpPort}`, info };
}

/**
 * The hash the invite carries: the running server's, from its onboarding document on this
 * machine (loopback, so nothing in between), else that of the certificate it will use.
 */
async function certificateHash(
  config: StarlingConfig,
  origin: string | undefined,
  domain: string,
): Promise<string> {
  if (!config.tcp.tls) return "";
  if (origin) {
    const r = await fetch(`${origin}/.well-known/starling?domain=${encodeURIComponent(domain)}`, {
      signal: AbortSignal.timeout(5000),
    });
    if (r.status !== 200) throw new Error(`the server has no domain ${domain} (HTTP ${r.status})`);
    return normaliseFingerprint(((await r.json()) as NavDocument).tls?.fingerprintSha256 ?? "");
  }
  // The certificate the server will load; the self-signed one is made now if it is not there yet.
  const tls = await ensureTls(
    join(resolve(config.dataDir), "tls"),
    config.tls.cert,
    config.tls.key,
    config.domain,
  );
  return normaliseFingerprint(tls.fingerprint);
}

/** A host name other machines can use: the configured public host, else this machine's first LAN address. */
function shareableHost(config: StarlingConfig, given: unknown): string {
  if (typeof given === "string" && given) return given;
  if (config.public.host) return config.public.host;
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  return "localhost";
}

export function registerOnboardingCommands(program: Command): void {
  addConfigFlags(
    program
      .command("invite")
      .description(
        "print the invite link of a domain (the onboarding URL with the certificate's hash) and write it as a QR code (terminal and PNG); --user makes a one-time activation code for one person",
      )
      .option("--user-domain <domain>", "domain to invite to (default: the configured domain)")
      .option(
        "--user <id>",
        "invite this person: the link carries a new activation code (it revokes their previous one) with which they choose their password",
      )
      .option(
        "--host <host>",
        "host name clients use (default: public.host, else this machine's LAN address)",
      )
      .option("--png <file>", "where to write the QR code (default: <dataDir>/invite-<domain or user>.png)")
      .option("--no-terminal", "do not draw the QR code in the terminal"),
  ).action(async (opts: Opts) => {
    const config = configFrom(opts);
    const domain = (opts.userDomain as string | undefined) ?? config.domain;
    const running = runningOrigin(config);
    const port = config.public.httpPort || running?.info.httpPort || config.http.port;
    const documentUrl = `${config.public.https ? "https" : "http"}://${shareableHost(config, opts.host)}:${port}/.well-known/starling?domain=${encodeURIComponent(domain)}`;
    const sha256 = await certificateHash(config, running?.origin, domain);
    let personal: { userId: string; code: string; expiresAt: number } | undefined;
    if (typeof opts.user === "string") {
      const api = await connectAdmin(config);
      try {
        personal = await api.issueActivation(opts.user);
      } finally {
        await api.close();
      }
    }
    const url = formatInviteLink({
      documentUrl,
      sha256,
      ...(personal ? { userId: personal.userId, code: personal.code } : {}),
    });
    const name = personal ? personal.userId.replace(/[^\w.@-]/g, "_") : domain;
    const png = (opts.png as string | undefined) ?? join(resolve(config.dataDir), `invite-${name}.png`);
    await QRCode.toFile(png, url, { errorCorrectionLevel: "M", margin: 2, width: 512 });
    process.stdout.write(`${url}\n`);
    if (opts.terminal !== false)
      process.stdout.write(await QRCode.toString(url, { type: "terminal", small: true }));
    process.stdout.write(`QR code written to ${png}\n`);
    if (personal)
      process.stdout.write(
        `activation code for ${personal.userId}: ${personal.code} (single use, valid until ${new Date(personal.expiresAt).toISOString()})\n`,
      );
    if (!running)
      process.stdout.write("note: no server is running on this data folder; the URL works once it is\n");
  });

  addConfigFlags(
    program
      .command("doctor")
      .description("check a running deployment from the outside and say how to fix each problem")
      .option("--url <url>", "the server's HTTP address (default: the server running on this data folder)")
      .option("--user-domain <domain>", "domain whose onboarding document to check")
      .option(
        "--node <url>",
        "the HTTP address of another node of the cluster, to check that it sees the same file store (repeatable)",
        (v: string, all: string[]) => [...all, v.replace(/\/+$/, "")],
        [] as string[],
      ),
  ).action(async (opts: Opts) => {
    const config = configFrom(opts);
    const origin =
      (opts.url as string | undefined)?.replace(/\/+$/, "") ??
      runningOrigin(config)?.origin ??
      `http://127.0.0.1:${config.http.port}`;
    const domain = (opts.userDomain as string | undefined) ?? config.domain;
    const failures = await runDoctor(
      origin,
      domain,
      (line) => process.stdout.write(`${line}\n`),
      (opts.node as string[] | undefined) ?? [],
    );
    process.stdout.write(failures === 0 ? "all checks passed\n" : `${failures} problem(s) found\n`);
    if (failures > 0) process.exitCode = 1;
  });
}

/** Runs every check, printing one line each (and a fix for each failure); returns the number of failures. */
export async function runDoctor(
  origin: string,
  domain: string,
  print: (line: string) => void,
  nodes: readonly string[] = [],
): Promise<number> {
  let failures = 0;
  const ok = (what: string) => print(`ok    ${what}`);
  const fail = (what: string, fix: string) => {
    failures++;
    print(`FAIL  ${what}\n      fix: ${fix}`);
  };

  let health: Record<string, unknown> | undefined;
  try {
    const r = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5000) });
    health = (await r.json()) as Record<string, unknown>;
    ok(`HTTP listener answers at ${origin} (server ${String(health.version)})`);
  } catch (err) {
    fail(
      `HTTP listener at ${origin} is not reachable (${(err as Error).message})`,
      "start the server (starling serve), check http.host/http.port, and open the port in the firewall",
    );
    return failures;
  }
  if (health.db === "ok") ok("database is healthy");
  else
    fail(
      `database is ${String(health.db)}`,
      "check that PostgreSQL is up and the db URL (STARLING_DB) is right",
    );
  if (health.bus === "unavailable")
    fail(
      "cluster bus (NATS) is unreachable",
      "check that NATS is up and every node's bus URL (STARLING_BUS)",
    );
  else ok(`cluster bus: ${String(health.bus ?? "local")}`);
  failures += await checkBlobStore(origin, health, nodes, ok, fail);

  let nav: NavDocument;
  try {
    const r = await fetch(`${origin}/.well-known/starling?domain=${encodeURIComponent(domain)}`, {
      signal: AbortSignal.timeout(5000),
    });
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    nav = (await r.json()) as NavDocument;
    ok(`onboarding document for ${domain}`);
  } catch (err) {
    fail(
      `no onboarding document for ${domain} (${(err as Error).message})`,
      `add the domain (starling domain add ${domain}) or enable it (starling domain enable ${domain})`,
    );
    return failures;
  }

  const published = new URL(nav.endpoints.http);
  const asked = new URL(origin);
  if (published.port !== (asked.port || "80"))
    fail(
      `the document gives HTTP port ${published.port}, but the server answered on ${asked.port}`,
      "set public.httpPort to the port clients reach (or 0 without a load balancer)",
    );
  else ok(`document's HTTP endpoint ${nav.endpoints.http}`);

  failures += await checkNative(nav, ok, fail);
  failures += await checkWebSocket(nav.endpoints.websocket, ok, fail);
  return failures;
}

/**
 * Every node must read the files every other node stored: each reports the
 * id of its blob store and whether it is the one the database records.
 */
async function checkBlobStore(
  origin: string,
  health: Record<string, unknown>,
  nodes: readonly string[],
  ok: (what: string) => void,
  fail: (what: string, fix: string) => void,
): Promise<number> {
  const fix =
    "in a cluster keep files.blobStore=auto (the files live in PostgreSQL), or give every node files.blobStore=folder with files.blobDir on one shared mount";
  if (health.blobs === undefined) return 0;
  let failed = 0;
  if (health.blobs !== "ok") {
    failed++;
    fail(`${origin} does not use the deployment's file store (it has ${String(health.blobStore)})`, fix);
  } else ok(`file store ${String(health.blobStore)}`);
  for (const node of nodes) {
    let other: Record<string, unknown>;
    try {
      const r = await fetch(`${node}/healthz`, { signal: AbortSignal.timeout(5000) });
      other = (await r.json()) as Record<string, unknown>;
    } catch (err) {
      failed++;
      fail(
        `node ${node} is not reachable (${(err as Error).message})`,
        "start it, or check its http.host/http.port",
      );
      continue;
    }
    if (other.blobStore !== health.blobStore || other.blobs !== "ok") {
      failed++;
      fail(
        `node ${node} does not see the same file store (${String(other.blobStore)}, not ${String(health.blobStore)})`,
        fix,
      );
    } else ok(`node ${node} sees the same file store`);
  }
  return failed;
}

async function checkNative(
  nav: NavDocument,
  ok: (what: string) => void,
  fail: (what: string, fix: string) => void,
): Promise<number> {
  const u = new URL(nav.endpoints.native.replace(/^(tls|tcp):/, "http:"));
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number(u.port);
  const fixReach = "check tcp.host/tcp.port, public.host/public.tcpPort and the firewall";
  if (!nav.endpoints.native.startsWith("tls:")) {
    fail(
      `native endpoint ${nav.endpoints.native} has no TLS`,
      "turn tcp.tls on (the default): passwords cross this link",
    );
    return 1;
  }
  return new Promise<number>((done) => {
    const socket = tls.connect({
      host,
      port,
      servername: /^[\d.:]+$/.test(host) ? undefined : host,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      fail(`native endpoint ${nav.endpoints.native} did not answer within 5 s`, fixReach);
      done(1);
    }, 5000);
    socket.once("error", (err) => {
      clearTimeout(timer);
      fail(`native endpoint ${nav.endpoints.native}: ${err.message}`, fixReach);
      done(1);
    });
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      let failed = 0;
      ok(`native endpoint ${nav.endpoints.native} accepts TLS (${socket.getProtocol() ?? "?"})`);
      if (!cert) {
        fail("the native endpoint sent no certificate", "configure tls.cert and tls.key");
        done(1);
        return;
      }
      if (nav.tls?.fingerprintSha256 !== cert.fingerprint256) {
        failed++;
        fail(
          "the certificate on the native endpoint is not the one the onboarding document names",
          "every node must use the same tls.cert/tls.key, and a load balancer must pass TLS through unchanged",
        );
      } else ok("certificate matches the onboarding document");
      const daysLeft = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
      if (daysLeft < 0) {
        failed++;
        fail(
          `the certificate expired on ${cert.validTo}`,
          "renew it (or delete <dataDir>/tls to make a new self-signed one)",
        );
      } else if (daysLeft < 30) {
        failed++;
        fail(`the certificate expires in ${Math.floor(daysLeft)} days (${cert.validTo})`, "renew it soon");
      } else
        ok(
          `certificate valid until ${cert.validTo}${cert.issuer === cert.subject ? " (self-signed: clients pin its fingerprint)" : ""}`,
        );
      done(failed);
    });
  });
}

async function checkWebSocket(
  url: string,
  ok: (what: string) => void,
  fail: (what: string, fix: string) => void,
): Promise<number> {
  return new Promise<number>((done) => {
    const ws = new WebSocket(url, { handshakeTimeout: 5000 });
    ws.once("open", () => {
      ok(`WebSocket endpoint ${url} upgrades`);
      ws.terminate();
      done(0);
    });
    ws.once("error", (err) => {
      fail(
        `WebSocket endpoint ${url}: ${err.message}`,
        "a proxy in front must pass Upgrade/Connection headers for /ws (nginx: proxy_set_header Upgrade $http_upgrade)",
      );
      done(1);
    });
  });
}

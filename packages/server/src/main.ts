import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo, Server } from "node:net";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, StarlingError } from "@starling/protocol";
import { openBlobStore } from "./adapters/blobs/open-blob-store.js";
import { LocalBus } from "./adapters/cluster/local-bus.js";
import { LocalPresenceDirectory } from "./adapters/cluster/local-presence.js";
import { NatsBus } from "./adapters/cluster/nats-bus.js";
import { NatsLink } from "./adapters/cluster/nats-link.js";
import { NatsPresenceDirectory } from "./adapters/cluster/nats-presence.js";
import { type StarlingConfig, trustedProxies } from "./adapters/config/load.js";
import { hostPort } from "./adapters/config/schema.js";
import { SharpMediaProbe } from "./adapters/media/sharp-media-probe.js";
import { PromMetrics } from "./adapters/metrics/prom-metrics.js";
import { Argon2Hasher } from "./adapters/platform/argon2-hasher.js";
import { createLogger } from "./adapters/platform/logger.js";
import { NodeRandom, SystemClock } from "./adapters/platform/node-random.js";
import type { KyselyStore } from "./adapters/store/kysely-store.js";
import { openStore } from "./adapters/store/open-store.js";
import { ensureTls } from "./adapters/tls/self-signed.js";
import { DiskUploadArea } from "./adapters/uploads/disk-upload-area.js";
import { Admin } from "./core/accounts/admin.js";
import { Core } from "./core/core.js";
import { Federation } from "./core/federation/federation.js";
import { ResumableUploads } from "./core/files/resumable.js";
import { UploadSlots } from "./core/files/upload-slots.js";
import {
  type CoreLimits,
  DEFAULT_LIMITS,
  federationPayloadBytes,
  maxXmlMessageChars,
  nativeFrameBytes,
} from "./core/kernel/limits.js";
import type { Metrics } from "./core/kernel/metrics.js";
import type { Bus, BusReceiver, Logger, PresenceDirectory } from "./core/kernel/ports.js";
import type { StoreTx } from "./core/store.js";
import { FederationDoor } from "./doors/federation/federation-door.js";
import { HttpAuth } from "./doors/http/auth.js";
import { buildHttpServer } from "./doors/http/http-server.js";
import { buildMetricsServer, type MetricsEndpoint } from "./doors/http/metrics-routes.js";
import { DEFAULT_GATEWAY_CONFIG } from "./doors/native/gateway-config.js";
import { Rebalancer } from "./doors/native/rebalancer.js";
import { SessionHub } from "./doors/native/session-hub.js";
import { startTcpListener } from "./doors/native/tcp-listener.js";
import { WsEndpoint } from "./doors/native/ws-endpoint.js";
import { DEFAULT_XMPP_CONFIG } from "./doors/xmpp/xmpp-config.js";
import { XmppHub } from "./doors/xmpp/xmpp-hub.js";
import { startXmppListener } from "./doors/xmpp/xmpp-listener.js";
import { XmppWsEndpoint } from "./doors/xmpp/xmpp-ws.js";
import { type BuiltPushProviders, buildPushProviders } from "./push-providers.js";
import { Readiness } from "./readiness.js";

export const SERVER_VERSION = "0.1.0";

/** How often a cluster node announces itself; a node silent for three beats is taken as dead. */
const PRESENCE_HEARTBEAT_MS = 2000;

export interface RunningServer {
  tcpPort: number;
  httpPort: number;
  /** The XMPP client-to-server port; 0 when xmpp.enabled is off. */
  xmppPort: number;
  /** The federation listener's port; 0 when federation.enabled is off. */
  federationPort: number;
  /** The port of the metrics' own listener (metrics.listen); 0 when /metrics is on the HTTP port. */
  metricsPort: number;
  /** Set on the first start of a data folder: the administrator's one-time password. */
  firstAdmin?: { id: string; password: string };
  tlsFingerprint: string;
  core: Core;
  admin: Admin;
  federation: Federation;
  store: KyselyStore;
  /** The cluster bus (or this node's local one); `health()` says whether it reaches the others. */
  bus: Bus;
  close(): Promise<void>;
}

/** What a running server writes into its data folder so local tools can find it. */
export interface RuntimeInfo {
  pid: number;
  /** Where local tools reach the HTTP listener (loopback when it listens on every address). */
  httpHost: string;
  httpPort: number;
  tcpPort: number;
  /** The XMPP client-to-server port; 0 when xmpp.enabled is off. */
  xmppPort: number;
  /** The federation port; 0 when federation.enabled is off. */
  federationPort: number;
  tls: boolean;
  domain: string;
}

/** The configuration as an administrator may see it: database URLs without their passwords. */
function publicSettings(config: StarlingConfig): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(config, (key, value) =>
      typeof value === "string" && /^(db|bus)$/.test(key)
        ? value.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")
        : value,
    ),
  ) as Record<string, unknown>;
}

export function runtimeFile(dataDir: string): string {
  return join(dataDir, "server.json");
}

/** The local administrator's secret, made on first use, readable by the owner only. */
export function adminKey(dataDir: string): string {
  const file = join(dataDir, "admin.key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * Opens the database and builds the core: everything but the listeners.
 * Used by the server and by the CLI's offline admin commands.
 */
export async function openCore(
  config: StarlingConfig,
  log: Logger,
  metrics?: Metrics,
  push: BuiltPushProviders = { providers: [] },
) {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore(config.db, config.durability, dataDir, log, metrics);
  let bus: Bus;
  let presence: PresenceDirectory;
  const clock = new SystemClock();
  try {
    if (config.bus) {
      const nodeId = config.nodeId || `${hostname()}-${process.pid}`;
      const servers = config.bus.split(",").map((s) => s.trim());
      // Never awaited: a node starts, and serves its own sessions, while NATS is down.
      const link = new NatsLink(
        { servers, name: `starling-${nodeId}`, ...(metrics ? { metrics } : {}) },
        log,
      );
      bus = new NatsBus(link, { prefix: config.busPrefix, nodeId });
      presence = new NatsPresenceDirectory(
        link,
        { prefix: config.busPrefix, nodeId, heartbeatMs: PRESENCE_HEARTBEAT_MS },
        clock,
        log,
      );
      link.start();
    } else {
      bus = new LocalBus();
      presence = new LocalPresenceDirectory(clock);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const limits: CoreLimits = {
    ...DEFAULT_LIMITS,
    recallWindowMs: config.limits.recallWindowMs,
    editWindowMs: config.limits.editWindowMs,
    groupMaxMembers: config.limits.groupMaxMembers,
    maxTextLength: config.limits.maxTextLength,
    maxPushDevicesPerUser: config.limits.maxPushDevicesPerUser,
    activationTtlMs: config.onboarding.activationTtlMs,
    login: {
      ...DEFAULT_LIMITS.login,
      maxFailuresPerAccountAddress: config.limits.loginMaxFailures,
      maxFailuresPerIp: config.limits.loginMaxFailuresPerIp,
      maxFailuresPerAccount: config.limits.loginMaxFailuresPerAccount,
      knownAddressMs: config.limits.loginKnownAddressMs,
    },
    connections: {
      maxPerAddress: config.limits.maxConnectionsPerAddress,
      maxUnauthenticatedPerAddress: config.limits.maxUnauthenticatedPerAddress,
      maxSessionsPerUser: config.limits.maxSessionsPerUser,
      exemptAddresses: config.limits.exemptAddresses
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean),
    },
  };
  // Leave room for the envelope around a page of history or sync.
  limits.maxResponseBytes = Math.floor(nativeFrameBytes(config.limits.maxFrameBytes, limits) / 2);
  const blobs = await openBlobStore(config.files.blobStore, config.db, config.files.blobDir, dataDir).catch(
    async (err) => {
      await presence.close?.();
      await bus.close?.();
      await store.close();
      throw err;
    },
  );
  const federation = new Federation<StoreTx>({
    store,
    clock,
    random: new NodeRandom(),
    localDomain: config.domain,
    maxPayloadBytes: federationPayloadBytes(config.federation.maxFrameBytes),
  });
  const core = new Core({
    store,
    // Without the federation listener and senders nothing would carry a message queued for a peer.
    ...(config.federation.enabled ? { federation } : {}),
    bus,
    presence,
    clock,
    hasher: new Argon2Hasher(),
    random: new NodeRandom(),
    log,
    limits,
    defaultDomain: config.domain,
    blobs,
    media: new SharpMediaProbe({ maxImagePixels: config.files.maxImagePixels }),
    ...(metrics ? { metrics } : {}),
    pushProviders: push.providers,
    ...(push.webPushPublicKey ? { webPushPublicKey: push.webPushPublicKey } : {}),
    pushSettings: {
      queueLimit: config.push.queueLimit,
      ratePerSecond: config.push.ratePerSecond,
      maxAttempts: config.push.maxAttempts,
      retryBaseMs: config.push.retryBaseMs,
      collapseMs: config.push.collapseMs,
      mentionsOnlyAbove: config.push.mentionsOnlyAbove,
      previews: config.push.previews,
    },
    fileLimits: {
      maxUploadBytes: config.files.maxUploadBytes,
      maxFileBytes: config.files.maxFileBytes,
      domainQuotaBytes: config.files.domainQuotaBytes,
    },
  });
  await core.accounts.ensureDomain(config.domain);
  return {
    store,
    bus,
    presence,
    blobs,
    core,
    admin: new Admin(core, store, bus, clock),
    federation,
    dataDir,
  };
}

/** Hands bus traffic to both gateways' sessions on this node. */
function bothReceivers(a: BusReceiver, b: BusReceiver): BusReceiver {
  return {
    deliver(userIds, frame, exceptSession) {
      a.deliver(userIds, frame, exceptSession);
      b.deliver(userIds, frame, exceptSession);
    },
    deliverDomain(domain, frame) {
      a.deliverDomain(domain, frame);
      b.deliverDomain(domain, frame);
    },
    kick(userIds, reason, keepToken, onlyToken) {
      a.kick(userIds, reason, keepToken, onlyToken);
      b.kick(userIds, reason, keepToken, onlyToken);
    },
    resync() {
      a.resync();
      b.resync();
    },
    deliverTo(userId, address, frame) {
      a.deliverTo(userId, address, frame);
      b.deliverTo(userId, address, frame);
    },
  };
}

/** Makes the domain's administrator, admin@<domain>, if missing; returns the one-time password. */
async function ensureFirstAdmin(
  core: Core,
  domain: string,
): Promise<{ id: string; password: string } | undefined> {
  if (await core.accounts.getUser(`admin@${domain}`)) return undefined;
  const password = randomBytes(12).toString("base64url");
  try {
    const user = await core.accounts.createUser({
      id: `admin@${domain}`,
      password,
      role: "admin",
      displayName: "Administrator",
    });
    return { id: user.id, password };
  } catch (err) {
    // Nodes of a cluster starting together race for this; the one that won prints the password.
    if (err instanceof StarlingError && err.code === ErrorCode.CONFLICT) return undefined;
    throw err;
  }
}

/** What a caller of startServer may give instead of what the configuration builds. */
export interface ServerOptions {
  /** The push providers to deliver through, instead of those push.* configures. */
  push?: BuiltPushProviders;
}

/** The composition root: builds every adapter from the configuration and starts the listeners. */
export async function startServer(
  config: StarlingConfig,
  logger?: Logger,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const log = logger ?? createLogger(config.log.level);
  const metrics = new PromMetrics();
  const push = options.push ?? (await buildPushProviders({ config, dataDir: resolve(config.dataDir), log }));
  const closePush = () => Promise.all(push.providers.map((p) => p.close?.()));
  const { store, bus, presence, blobs, core, admin, federation, dataDir } = await openCore(
    config,
    log,
    metrics,
    push,
  ).catch(async (err) => {
    await closePush();
    throw err;
  });
  metrics.track("starling_store_up", () => (store.health().ok ? 1 : 0));
  metrics.track("starling_bus_up", () => ((bus.health?.().ok ?? true) ? 1 : 0));
  const metricsEndpoint: MetricsEndpoint = {
    render: () => metrics.render(),
    public: config.metrics.public,
  };
  const metricsAddress = config.metrics.listen ? hostPort(config.metrics.listen) : undefined;
  const firstAdmin = await ensureFirstAdmin(core, config.domain);
  const blobCheck = await core.files?.blobStoreShared();
  if (blobCheck && !blobCheck.shared)
    log.error(
      { blobStore: blobCheck.id },
      "this node's file store is not the one the other nodes use: files uploaded elsewhere will be 404 here (see files.blobStore)",
    );
  const tls = config.tcp.tls
    ? await ensureTls(join(dataDir, "tls"), config.tls.cert, config.tls.key, config.domain)
    : undefined;
  // STARTTLS is required on the XMPP listener, and TLS on federation links, whatever tcp.tls says.
  const xmppTls =
    (config.xmpp.enabled || config.federation.enabled) && !tls
      ? await ensureTls(join(dataDir, "tls"), config.tls.cert, config.tls.key, config.domain)
      : tls;
  const federationDoor =
    config.federation.enabled && xmppTls
      ? new FederationDoor(
          federation,
          {
            host: config.tcp.host,
            port: config.federation.port,
            tls: { key: xmppTls.key, cert: xmppTls.cert, minVersion: config.tls.minVersion },
            maxFrameBytes: config.federation.maxFrameBytes,
            handshakeTimeoutMs: config.federation.handshakeTimeoutMs,
            heartbeatMs: config.federation.heartbeatMs,
            framesPerSecond: config.federation.framesPerSecond,
            frameBurst: config.federation.frameBurst,
            backoffMinMs: 100,
            backoffMaxMs: config.federation.backoffMaxMs,
          },
          log,
          metrics,
          new SystemClock(),
        )
      : undefined;

  const gateway = {
    ...DEFAULT_GATEWAY_CONFIG,
    maxFrameBytes: nativeFrameBytes(config.limits.maxFrameBytes, core.limits),
    heartbeatIntervalMs: config.limits.heartbeatIntervalMs,
    requestsPerSecond: config.limits.requestsPerSecond,
    requestBurst: config.limits.requestBurst,
    helloTimeoutMs: config.limits.loginTimeoutMs,
    serverVersion: SERVER_VERSION,
  };
  const hub = new SessionHub(core, new SystemClock(), log, gateway);
  const rebalancer =
    config.bus && config.cluster.rebalanceIntervalMs > 0 && presence.reportLoad && presence.loads
      ? new Rebalancer(
          hub,
          { reportLoad: presence.reportLoad.bind(presence), loads: presence.loads.bind(presence) },
          new SystemClock(),
          log,
          {
            intervalMs: config.cluster.rebalanceIntervalMs,
            tolerancePercent: config.cluster.rebalanceTolerancePercent,
            batch: config.cluster.rebalanceBatch,
            staleMs: 3 * PRESENCE_HEARTBEAT_MS,
          },
        )
      : undefined;
  const uploadSlots =
    config.xmpp.enabled && core.files
      ? new UploadSlots(core.files, store.read, new SystemClock())
      : undefined;
  const anyAddress = config.http.host === "0.0.0.0" || config.http.host === "::";
  let boundHttpPort = 0;
  // Without a public host, XMPP clients are sent where they reached us (on one machine the domain may resolve nowhere).
  const publicHttpUrl = (domain: string, reachedHost: string) => {
    const host = config.public.host || (anyAddress ? reachedHost || domain : config.http.host);
    const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
    return `${config.public.https ? "https" : "http"}://${bracketed}:${config.public.httpPort || boundHttpPort}`;
  };
  const xmppHub = config.xmpp.enabled
    ? new XmppHub(
        core,
        new SystemClock(),
        log,
        {
          ...DEFAULT_XMPP_CONFIG,
          stanzasPerSecond: config.limits.requestsPerSecond,
          stanzaBurst: config.limits.requestBurst,
          maxStanzaChars: Math.max(DEFAULT_XMPP_CONFIG.maxStanzaChars, maxXmlMessageChars(core.limits)),
          loginTimeoutMs: config.limits.loginTimeoutMs,
          ...(uploadSlots ? { upload: { slots: uploadSlots, baseUrl: publicHttpUrl } } : {}),
        },
        async (domain) => {
          const d = await store.read.getDomain(domain);
          return d !== undefined && !d.disabled;
        },
      )
    : undefined;
  bus.attach(xmppHub ? bothReceivers(hub, xmppHub) : hub);

  let tcp: Server | undefined;
  let xmpp: Server | undefined;
  let federationPort = 0;
  try {
    // Download URLs are signed while messages are rendered, which cannot wait for the key.
    await uploadSlots?.ready();
    tcp = await startTcpListener(
      {
        host: config.tcp.host,
        port: config.tcp.port,
        tls: tls ? { key: tls.key, cert: tls.cert, minVersion: config.tls.minVersion } : undefined,
        maxFrameBytes: gateway.maxFrameBytes,
        tlsHandshakeTimeoutMs: config.limits.tlsHandshakeTimeoutMs,
      },
      hub,
      log,
    );
    if (federationDoor) federationPort = await federationDoor.start();
    if (xmppHub && xmppTls) {
      xmpp = await startXmppListener(
        {
          host: config.tcp.host,
          port: config.xmpp.port,
          tls: { key: xmppTls.key, cert: xmppTls.cert, minVersion: config.tls.minVersion },
          tlsHandshakeTimeoutMs: config.limits.tlsHandshakeTimeoutMs,
        },
        xmppHub,
        log,
      );
    }
  } catch (err) {
    rebalancer?.stop();
    tcp?.close();
    await federationDoor?.close();
    await presence.close?.();
    await bus.close?.();
    await store.close();
    await blobs.close?.();
    await closePush();
    throw err;
  }
  const readiness = new Readiness({
    storeWrites: () => store.health(),
    storeRead: () => store.read.getDomain(config.domain),
    ...(config.bus ? { bus: () => bus.health?.() ?? { ok: true } } : {}),
  });
  const ws = new WsEndpoint(hub, log, gateway.maxFrameBytes);
  const xmppWs = xmppHub ? new XmppWsEndpoint(xmppHub, log) : undefined;
  const listenTcpPort = (tcp.address() as AddressInfo).port;
  const http = await buildHttpServer({
    core,
    admin,
    federation,
    ws,
    ...(xmppWs ? { xmpp: xmppWs } : {}),
    log,
    adminKey: adminKey(dataDir),
    version: SERVER_VERSION,
    settings: () => publicSettings(config),
    rateLimit: { requestsPerSecond: config.limits.requestsPerSecond, burst: config.limits.requestBurst },
    trustProxy: trustedProxies(config.http.trustProxy),
    ...(metricsAddress ? {} : { metrics: metricsEndpoint }),
    maxUploadBytes: config.files.maxUploadBytes,
    timeouts: {
      headersMs: config.http.headersTimeoutMs,
      requestMs: config.http.requestTimeoutMs,
      idleMs: config.http.idleTimeoutMs,
      keepAliveMs: config.http.keepAliveTimeoutMs,
    },
    ...(core.files
      ? {
          uploads: new ResumableUploads(
            core.files,
            new DiskUploadArea(join(dataDir, "uploads")),
            new NodeRandom(),
          ),
        }
      : {}),
    ...(uploadSlots ? { uploadSlots } : {}),
    webRoot: config.http.webRoot || fileURLToPath(new URL("../../web/dist", import.meta.url)),
    onboarding: () => ({
      publicHost: config.public.host,
      tcpPort: config.public.tcpPort || listenTcpPort,
      httpPort: config.public.httpPort,
      https: config.public.https,
      tls: Boolean(tls),
      fingerprint: tls?.fingerprint ?? "",
      version: SERVER_VERSION,
    }),
    readiness: () => readiness.report(),
    health: async () => {
      let db = "ok";
      try {
        await store.read.getDomain(config.domain);
        const writes = store.health();
        if (!writes.ok) db = writes.detail ?? "cannot write";
      } catch {
        db = "unavailable";
      }
      const busOk = bus.health?.().ok ?? true;
      return {
        status: db === "ok" && busOk ? "ok" : "degraded",
        version: SERVER_VERSION,
        db,
        bus: config.bus ? (busOk ? "ok" : "unavailable") : "local",
        sessions: hub.sessionCount,
        ...(blobCheck ? { blobs: blobCheck.shared ? "ok" : "not shared", blobStore: blobCheck.id } : {}),
      };
    },
  });
  const metricsServer = metricsAddress
    ? buildMetricsServer(metricsEndpoint, new HttpAuth(core, adminKey(dataDir)))
    : undefined;
  try {
    await http.listen({ host: config.http.host, port: config.http.port });
    if (metricsServer && metricsAddress) await metricsServer.listen(metricsAddress);
  } catch (err) {
    rebalancer?.stop();
    tcp.close();
    xmpp?.close();
    await federationDoor?.close();
    await http.close();
    await metricsServer?.close();
    await presence.close?.();
    await bus.close?.();
    await store.close();
    await blobs.close?.();
    await closePush();
    throw err;
  }
  readiness.listenersUp();
  const tcpPort = (tcp.address() as AddressInfo).port;
  const httpPort = (http.server.address() as AddressInfo).port;
  boundHttpPort = httpPort;
  const xmppPort = xmpp ? (xmpp.address() as AddressInfo).port : 0;
  const metricsPort = metricsServer ? (metricsServer.server.address() as AddressInfo).port : 0;
  const httpHost = anyAddress ? "127.0.0.1" : config.http.host;
  const info: RuntimeInfo = {
    pid: process.pid,
    httpHost,
    httpPort,
    tcpPort,
    xmppPort,
    federationPort,
    tls: Boolean(tls),
    domain: config.domain,
  };
  // Written whole then renamed: whoever waits for the file never reads half of it.
  const tmp = `${runtimeFile(dataDir)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2));
  renameSync(tmp, runtimeFile(dataDir));
  log.info(
    {
      tcpPort,
      httpPort,
      xmppPort,
      federationPort,
      metricsPort,
      tls: Boolean(tls),
      domain: config.domain,
      dataDir,
    },
    "starling is listening",
  );

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      readiness.shuttingDown();
      rebalancer?.stop();
      // No new connections from here on; the callbacks run once the open ones have ended too.
      const tcpClosed = new Promise<void>((r) => tcp.close(() => r()));
      const xmppClosed = xmpp ? new Promise<void>((r) => xmpp.close(() => r())) : undefined;
      // Sends already queued are stored and acknowledged before the clients are told to go:
      // an ack that still reaches its client saves a resend.
      await core.idle();
      await federationDoor?.close();
      hub.shutdown();
      xmppHub?.shutdown();
      ws.close();
      xmppWs?.close();
      await tcpClosed;
      await xmppClosed;
      await http.close();
      await metricsServer?.close();
      await core.idle();
      // Push last of the core: notifications of the sends stored above still get their moment.
      await core.close();
      await closePush();
      await presence.close?.();
      await bus.close?.();
      await store.close();
      await blobs.close?.();
      rmSync(runtimeFile(dataDir), { force: true });
    })();
    return closed;
  };
  return {
    tcpPort,
    httpPort,
    xmppPort,
    federationPort,
    metricsPort,
    firstAdmin,
    // The certificate of whichever TLS listener there is: federation peers pin it too.
    tlsFingerprint: (tls ?? xmppTls)?.fingerprint ?? "",
    core,
    admin,
    federation,
    store,
    bus,
    close,
  };
}

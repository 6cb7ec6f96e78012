import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { isValidDomain } from "../../core/kernel/ids.js";
import { envName, hostPort, SETTINGS, type Setting, type SettingKey } from "./schema.js";

export type ConfigValues = Record<SettingKey, string | number | boolean>;

export interface StarlingConfig {
  dataDir: string;
  domain: string;
  db: string;
  bus: string;
  busPrefix: string;
  nodeId: string;
  cluster: { rebalanceIntervalMs: number; rebalanceTolerancePercent: number; rebalanceBatch: number };
  durability: "full" | "normal";
  shutdown: { timeoutMs: number };
  tcp: { host: string; port: number; tls: boolean };
  xmpp: { enabled: boolean; port: number };
  federation: {
    enabled: boolean;
    port: number;
    maxFrameBytes: number;
    framesPerSecond: number;
    frameBurst: number;
    heartbeatMs: number;
    handshakeTimeoutMs: number;
    backoffMaxMs: number;
  };
  http: {
    host: string;
    port: number;
    webRoot: string;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    idleTimeoutMs: number;
    keepAliveTimeoutMs: number;
    trustProxy: string;
  };
  public: { host: string; tcpPort: number; httpPort: number; https: boolean };
  metrics: { listen: string; public: boolean };
  files: {
    maxUploadBytes: number;
    maxFileBytes: number;
    domainQuotaBytes: number;
    maxImagePixels: number;
    blobStore: "auto" | "database" | "folder";
    blobDir: string;
  };
  tls: { cert: string; key: string; minVersion: "1.2" | "1.3" };
  log: { level: string };
  limits: {
    maxFrameBytes: number;
    heartbeatIntervalMs: number;
    recallWindowMs: number;
    editWindowMs: number;
    groupMaxMembers: number;
    maxTextLength: number;
    requestsPerSecond: number;
    requestBurst: number;
    loginMaxFailures: number;
    loginMaxFailuresPerIp: number;
    loginMaxFailuresPerAccount: number;
    loginKnownAddressMs: number;
    tlsHandshakeTimeoutMs: number;
    loginTimeoutMs: number;
    maxConnectionsPerAddress: number;
    maxUnauthenticatedPerAddress: number;
    maxSessionsPerUser: number;
    maxPushDevicesPerUser: number;
    /** Comma-separated. */
    exemptAddresses: string;
  };
  /** Push notifications: the rules (push.*) and one object per provider (push.<provider>.*). */
  push: {
    // slot: push
    queueLimit: number;
    ratePerSecond: number;
    maxAttempts: number;
    retryBaseMs: number;
    collapseMs: number;
    mentionsOnlyAbove: number;
    previews: "none" | "text";
    // end: push
    // slot: webpush
    webpush: { enabled: boolean; subject: string; keyFile: string; ttlSeconds: number; timeoutMs: number };
    // end: webpush
    // slot: apns
    apns: {
      keyFile: string;
      keyId: string;
      teamId: string;
      topic: string;
      endpoint: string;
      caFile: string;
      timeoutMs: number;
    };
    // end: apns
    // slot: fcm
    fcm: { serviceAccountFile: string; endpoint: string; timeoutMs: number };
    // end: fcm
    // slot: webhook
    webhook: { url: string; secret: string; timeoutMs: number };
    // end: webhook
    // slot: huawei
    huawei: { appId: string; clientSecret: string; badgeClass: string; tokenUrl: string; apiUrl: string };
    // end: huawei
    // slot: xiaomi
    xiaomi: { appSecret: string; channelId: string; apiUrl: string };
    // end: xiaomi
    // slot: oppo
    oppo: { appKey: string; masterSecret: string; channelId: string; apiUrl: string };
    // end: oppo
    // slot: vivo
    vivo: { appId: string; appKey: string; appSecret: string; apiUrl: string };
    // end: vivo
    // slot: honor
    honor: {
      appId: string;
      clientId: string;
      clientSecret: string;
      badgeClass: string;
      tokenUrl: string;
      apiUrl: string;
    };
    // end: honor
    // slot: xmpp-push
    xmpp: {
      enabled: boolean;
      s2sPort: number;
      routes: string;
      caFile: string;
      connectTimeoutMs: number;
      iqTimeoutMs: number;
      idleTimeoutMs: number;
      maxPending: number;
    };
    // end: xmpp-push
  };
  // slot: onboarding
  onboarding: { activationTtlMs: number };
  // end: onboarding
}

export interface ConfigSources {
  /** Path of a JSON config file; when absent, ./starling.json is used if it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, by setting key. */
  flags?: Partial<Record<SettingKey, unknown>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * defaults < config file < STARLING_* environment < flags. Every problem is
 * collected and reported at once.
 */
export function loadConfig(sources: ConfigSources = {}): StarlingConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const s of SETTINGS) values[s.key] = s.default;

  const file = sources.file ?? (existsSync("starling.json") ? "starling.json" : undefined);
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      problems.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (parsed !== undefined) flattenFile(parsed, "", values, problems, file);
  }
  const env = sources.env ?? process.env;
  for (const s of SETTINGS) {
    const v = env[envName(s.key)];
    if (v !== undefined && v !== "") values[s.key] = v;
  }
  for (const [k, v] of Object.entries(sources.flags ?? {})) if (v !== undefined) values[k] = v;

  const out: Record<string, string | number | boolean> = {};
  for (const s of SETTINGS) {
    const r = coerce(s, values[s.key]);
    if (typeof r === "object") problems.push(`${s.key} (${envName(s.key)}): ${r.problem}`);
    else out[s.key] = r;
  }
  if (typeof out.domain === "string" && !isValidDomain(out.domain)) {
    problems.push(`domain: "${out.domain}" is not a valid lower-case domain name`);
  }
  if (Boolean(out["tls.cert"]) !== Boolean(out["tls.key"]))
    problems.push("tls.cert and tls.key must be given together");
  for (const k of ["tls.cert", "tls.key"] as const) {
    const p = out[k];
    if (typeof p === "string" && p && !existsSync(p)) problems.push(`${k}: file ${p} does not exist`);
  }
  const db = String(out.db ?? "");
  if (db && !/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(db)) {
    problems.push(
      `db: unsupported database URL "${db}" (use sqlite:PATH or postgres://user@host:port/database)`,
    );
  }
  const bus = String(out.bus ?? "");
  if (bus && !bus.split(",").every((s) => /^nats:\/\/[^\s,]+$/.test(s.trim()))) {
    problems.push(`bus: unsupported bus URL "${bus}" (use nats://host:port, comma-separated for several)`);
  }
  if (bus && !/^postgres(ql)?:\/\//.test(db))
    problems.push("bus: a cluster needs a shared PostgreSQL database (db=postgres://...)");
  if (!/^[a-z0-9_-]{1,64}$/i.test(String(out.busPrefix)))
    problems.push("busPrefix: letters, digits, - and _ only (1-64)");
  const publicHost = String(out["public.host"] ?? "");
  if (publicHost && !/^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/.test(publicHost))
    problems.push(`public.host: "${publicHost}" is not a host name or [IPv6] address`);
  if (Number(out["http.headersTimeoutMs"]) > Number(out["http.requestTimeoutMs"]))
    problems.push("http.headersTimeoutMs must not be longer than http.requestTimeoutMs");
  for (const entry of trustedProxies(String(out["http.trustProxy"] ?? ""))) {
    const [addr = "", bits, extra] = entry.split("/");
    const family = isIP(addr);
    const max = family === 6 ? 128 : 32;
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))
    )
      problems.push(`http.trustProxy: "${entry}" is not an IP address or CIDR range`);
  }
  const metricsListen = String(out["metrics.listen"] ?? "");
  if (metricsListen && !hostPort(metricsListen))
    problems.push(`metrics.listen: "${metricsListen}" is not host:port (e.g. 127.0.0.1:9464)`);
  if (problems.length > 0) throw new ConfigError(problems);
  return nest(out);
}

function flattenFile(
  v: unknown,
  prefix: string,
  into: Record<string, unknown>,
  problems: string[],
  file: string,
): void {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    problems.push(`${file}: expected a JSON object${prefix ? ` at ${prefix}` : ""}`);
    return;
  }
  for (const [k, val] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof val === "object" && val !== null && !Array.isArray(val))
      flattenFile(val, key, into, problems, file);
    else if (SETTINGS.some((s) => s.key === key)) into[key] = val;
    else problems.push(`${file}: unknown setting "${key}"`);
  }
}

function coerce(s: Setting, v: unknown): string | number | boolean | { problem: string } {
  switch (s.type) {
    case "string":
      return typeof v === "string" ? v : { problem: `expected text, got ${JSON.stringify(v)}` };
    case "bool":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "1" || v === "yes") return true;
      if (v === "false" || v === "0" || v === "no") return false;
      return { problem: `expected true or false, got ${JSON.stringify(v)}` };
    case "int": {
      const n =
        typeof v === "number"
          ? v
          : typeof v === "string" && /^-?\d+$/.test(v.trim())
            ? Number(v)
            : Number.NaN;
      if (!Number.isSafeInteger(n)) return { problem: `expected a whole number, got ${JSON.stringify(v)}` };
      if (s.min !== undefined && n < s.min) return { problem: `must be at least ${s.min}, got ${n}` };
      if (s.max !== undefined && n > s.max) return { problem: `must be at most ${s.max}, got ${n}` };
      return n;
    }
    case "enum":
      return typeof v === "string" && s.values?.includes(v)
        ? v
        : { problem: `must be one of ${s.values?.join(", ")}, got ${JSON.stringify(v)}` };
  }
}

function nest(flat: Record<string, string | number | boolean>): StarlingConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split(".");
    let o = out;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1] as string] = v;
  }
  return out as unknown as StarlingConfig;
}

/** The entries of http.trustProxy. */
export function trustedProxies(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

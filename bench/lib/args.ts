import { parseArgs } from "node:util";

export const SCENARIOS = [
  "one-to-one",
  "group",
  "idle-memory",
  "stores",
  "cluster",
  "xmpp",
  "history",
  "directory",
  "search",
  "upload",
  "web",
  "cold-start",
  "markdown",
  "push",
] as const;
/** Scenarios that generate large data sets: run only when asked for by name. */
const BY_NAME_ONLY: readonly string[] = [
  "history",
  "directory",
  "search",
  "upload",
  "web",
  "cold-start",
  "markdown",
  "push",
];
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  scenarios: ScenarioName[];
  durationSec: number;
  warmupSec: number;
  profile: boolean;
  profileLoadgen: boolean;
  baseline: boolean;
  keepData: boolean;
  textBytes: number;
  pairs: number;
  window: number;
  groupMembers: number;
  groupSenders: number;
  groupWindow: number;
  idleConnections: number;
  idleConcurrency: number;
  settleSec: number;
  historyMessages: number;
  historyPages: number;
  catchUp: number;
  directoryUsers: number;
  directoryDepartments: number;
  directorySearches: number;
  searchMessages: number;
  searchQueries: number;
  uploadMiB: number;
  uploadChunkMiB: number;
  /** Starts of each kind in the cold-start scenario. */
  coldRuns: number;
  /** Stores the history and directory scenarios run on. */
  stores: ("sqlite" | "postgres")[];
}

export const USAGE = `usage: npm run bench -- [options]
  (all: every scenario but history, directory, search, upload, web, cold-start, markdown and push, which move large data sets, need a browser, build the code or measure the web client; ask for them by name)
  --scenario NAME       one-to-one, group, idle-memory, stores, cluster, xmpp, history, directory, search, upload, web, cold-start, markdown, push, or all (default all)
  --duration SEC        measured seconds per load scenario (default 10)
  --warmup SEC          load before measuring starts (default 2)
  --profile             run the server with --cpu-prof into bench/out/ and summarise it
  --profile-loadgen     also profile the load generator (to check it is not the limit)
  --baseline            also run the load scenarios against a transport-only relay, for ratios
  --pairs N             1:1 pairs, two TLS (or XMPP) connections each (default 100)
  --window N            1:1 and XMPP sends in flight per sender (default 2)
  --group-members N     group size, all online over WebSocket (default 500)
  --group-senders N     members sending to the group (default 5)
  --group-window N      group sends in flight per sender (default 2)
  --idle-connections N  idle connections per transport (default 10000)
  --idle-concurrency N  connections opened at once (default 200)
  --settle SEC          wait before reading the server's memory (default 5)
  --history-messages N  messages in the history scenario's conversation (default 10000000)
  --history-pages N     50-message pages fetched at random depths (default 2000)
  --catch-up N          messages a returning device has missed (default 10000)
  --directory-users N   people in the directory scenario's domain (default 100000)
  --directory-departments N  departments (default 5000)
  --directory-searches N     pinyin-prefix searches measured (default 2000)
  --search-messages N   messages in the search scenario (default 10000000)
  --search-queries N    two-character queries measured per user (default 1000)
  --upload-mib N        size of the upload scenario's file in MiB (default 1024)
  --upload-chunk-mib N  size of each resumable-upload request in MiB (default 64)
  --cold-runs N         starts from the sources and from the build, each, in cold-start (default 7)
  --stores LIST         stores for history and directory: sqlite,postgres (default both)
  --text-bytes N        message text length (default 64)
  --keep-data           keep the temporary data folders`;

function int(raw: string | undefined, name: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function storeList(raw: string): ("sqlite" | "postgres")[] {
  const list = raw.split(",").map((s) => s.trim());
  if (list.length === 0 || !list.every((s) => s === "sqlite" || s === "postgres"))
    throw new Error("--stores must list sqlite and/or postgres, comma-separated");
  return list as ("sqlite" | "postgres")[];
}

export function parseBenchArgs(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string", default: "all" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      profile: { type: "boolean", default: false },
      "profile-loadgen": { type: "boolean", default: false },
      baseline: { type: "boolean", default: false },
      "keep-data": { type: "boolean", default: false },
      "text-bytes": { type: "string", default: "64" },
      pairs: { type: "string", default: "100" },
      window: { type: "string", default: "2" },
      "group-members": { type: "string", default: "500" },
      "group-senders": { type: "string", default: "5" },
      "group-window": { type: "string", default: "2" },
      "idle-connections": { type: "string", default: "10000" },
      "idle-concurrency": { type: "string", default: "200" },
      settle: { type: "string", default: "5" },
      "history-messages": { type: "string", default: "10000000" },
      "history-pages": { type: "string", default: "2000" },
      "catch-up": { type: "string", default: "10000" },
      "directory-users": { type: "string", default: "100000" },
      "directory-departments": { type: "string", default: "5000" },
      "directory-searches": { type: "string", default: "2000" },
      "search-messages": { type: "string", default: "10000000" },
      "search-queries": { type: "string", default: "1000" },
      "upload-mib": { type: "string", default: "1024" },
      "upload-chunk-mib": { type: "string", default: "64" },
      "cold-runs": { type: "string", default: "7" },
      stores: { type: "string", default: "sqlite,postgres" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  const scenario = values.scenario ?? "all";
  if (scenario !== "all" && !(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new Error(`--scenario must be one of ${SCENARIOS.join(", ")} or all`);
  }
  // One create_group request carries at most 500 member ids (the core's maxIdsPerRequest).
  const members = int(values["group-members"], "group-members", 2, 501);
  return {
    scenarios:
      scenario === "all" ? SCENARIOS.filter((s) => !BY_NAME_ONLY.includes(s)) : [scenario as ScenarioName],
    durationSec: int(values.duration, "duration", 1, 3600),
    warmupSec: int(values.warmup, "warmup", 0, 600),
    profile: values.profile ?? false,
    profileLoadgen: values["profile-loadgen"] ?? false,
    baseline: values.baseline ?? false,
    keepData: values["keep-data"] ?? false,
    textBytes: int(values["text-bytes"], "text-bytes", 1, 16384),
    pairs: int(values.pairs, "pairs", 1, 5000),
    window: int(values.window, "window", 1, 200),
    groupMembers: members,
    groupSenders: int(values["group-senders"], "group-senders", 1, members),
    groupWindow: int(values["group-window"], "group-window", 1, 200),
    idleConnections: int(values["idle-connections"], "idle-connections", 1, 15000),
    idleConcurrency: int(values["idle-concurrency"], "idle-concurrency", 1, 2000),
    settleSec: int(values.settle, "settle", 0, 120),
    historyMessages: int(values["history-messages"], "history-messages", 100, 100_000_000),
    historyPages: int(values["history-pages"], "history-pages", 1, 1_000_000),
    catchUp: int(values["catch-up"], "catch-up", 1, 1_000_000),
    directoryUsers: int(values["directory-users"], "directory-users", 10, 1_000_000),
    directoryDepartments: int(values["directory-departments"], "directory-departments", 120, 100_000),
    directorySearches: int(values["directory-searches"], "directory-searches", 1, 1_000_000),
    searchMessages: int(values["search-messages"], "search-messages", 1000, 100_000_000),
    searchQueries: int(values["search-queries"], "search-queries", 1, 1_000_000),
    uploadMiB: int(values["upload-mib"], "upload-mib", 1, 64 * 1024),
    uploadChunkMiB: int(values["upload-chunk-mib"], "upload-chunk-mib", 1, 4096),
    coldRuns: int(values["cold-runs"], "cold-runs", 1, 1000),
    stores: storeList(values.stores ?? ""),
  };
}

/**
 * `npm run bench`: runs the scenarios, each against a fresh server child
 * process driven by a separate load-generator child, then prints a table
 * and one JSON line and writes bench/out/results-*.json.
 */

import { join } from "node:path";
import { type BenchOptions, parseBenchArgs, type ScenarioName, USAGE } from "./lib/args.js";
import { ChildRegistry } from "./lib/children.js";
import { formatSummary } from "./lib/cpuprofile.js";
import type { RunContext } from "./lib/harness.js";
import { OUT_DIR } from "./lib/paths.js";
import { formatTable, machine, type RunReport, type ScenarioReport, writeResults } from "./lib/report.js";
import { clusterScenario } from "./scenarios/cluster.js";
import { coldStartScenario } from "./scenarios/cold-start.js";
import { directoryScenario } from "./scenarios/directory.js";
import { groupScenario } from "./scenarios/group.js";
import { historyScenario } from "./scenarios/history.js";
import { idleMemoryScenario } from "./scenarios/idle-memory.js";
import { markdownScenario } from "./scenarios/markdown.js";
import { oneToOneScenario } from "./scenarios/one-to-one.js";
import { pushScenario } from "./scenarios/push.js";
import { searchScenario } from "./scenarios/search.js";
import { storesScenario } from "./scenarios/stores.js";
import { uploadScenario } from "./scenarios/upload.js";
import { webScenario } from "./scenarios/web.js";
import { xmppScenario } from "./scenarios/xmpp.js";

const RUNNERS: Record<ScenarioName, (opts: BenchOptions, ctx: RunContext) => Promise<ScenarioReport>> = {
  "one-to-one": oneToOneScenario,
  group: groupScenario,
  "idle-memory": idleMemoryScenario,
  stores: storesScenario,
  cluster: clusterScenario,
  xmpp: xmppScenario,
  history: historyScenario,
  directory: directoryScenario,
  search: searchScenario,
  upload: uploadScenario,
  web: webScenario,
  "cold-start": coldStartScenario,
  markdown: markdownScenario,
  push: pushScenario,
};

async function main(): Promise<number> {
  let opts: BenchOptions | "help";
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (opts === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = Date.now();
  const log = (message: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
  const children = new ChildRegistry();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the processes this run started`);
      children.killAll("SIGTERM");
      process.exit(130);
    });
  }
  const ctx: RunContext = { log, children };
  if (opts.profileLoadgen) {
    ctx.loadgenProfileDir = join(
      OUT_DIR,
      `profile-loadgen-${new Date(started).toISOString().replace(/[:.]/g, "-")}`,
    );
    log(`load generator profiles go to ${ctx.loadgenProfileDir} (summarise with bench/top-functions.ts)`);
  }
  const m = machine();
  log(
    `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}; server and load generator share these cores`,
  );

  const report: RunReport = {
    startedAt: new Date(started).toISOString(),
    machine: m,
    options: { ...opts },
    scenarios: [],
  };
  for (const name of opts.scenarios) {
    log(`scenario ${name}`);
    let r: ScenarioReport;
    try {
      r = await RUNNERS[name](opts, ctx);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`scenario ${name} failed: ${message}`);
      r = { scenario: name, rows: [], data: {}, error: message };
    }
    report.scenarios.push(r);
    if (r.profile) process.stdout.write(`\n[${name}] server CPU profile\n${formatSummary(r.profile)}\n`);
  }

  const file = writeResults(report);
  process.stdout.write(`\n${formatTable(report.scenarios)}\n\n`);
  process.stdout.write(`${JSON.stringify(compact(report))}\n`);
  log(`results written to ${file}`);
  return report.scenarios.some((s) => s.error) ? 1 : 0;
}

/** The JSON line: the figures without the long profile tables (those are in the file). */
function compact(report: RunReport) {
  return {
    bench: "starling",
    startedAt: report.startedAt,
    machine: report.machine,
    results: report.scenarios.map((s) => ({
      scenario: s.scenario,
      error: s.error,
      rows: s.rows,
      profile: s.profile?.file,
    })),
  };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

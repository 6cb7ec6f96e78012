/**
 * Prints where a CPU profile spent its time:
 *   node --import tsx bench/top-functions.ts bench/out/profile-.../CPU....cpuprofile [--top 20] [--json]
 *     [--window START_US:END_US]   only samples inside this span (run.ts records the measured
 *                                  window in bench/out/results-*.json as profile.window)
 *     [--callers NAME]             split NAME's self time by the project function that called it
 * run.ts --profile calls the same summary after each scenario.
 */
import { parseArgs } from "node:util";
import { callersOf, formatSummary, summariseProfile } from "./lib/cpuprofile.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: "string", default: "20" },
    json: { type: "boolean", default: false },
    window: { type: "string" },
    callers: { type: "string" },
  },
});
if (positionals.length === 0) {
  process.stderr.write(
    "usage: top-functions.ts FILE.cpuprofile... [--top N] [--json] [--window S:E] [--callers NAME]\n",
  );
  process.exit(2);
}
const top = Number(values.top);
const [startUs, endUs] = (values.window ?? "").split(":").map(Number);
const window = values.window ? { startUs: startUs ?? 0, endUs: endUs ?? 0 } : undefined;
if (window && !(window.startUs < window.endUs)) {
  process.stderr.write("--window must be START_US:END_US with START_US < END_US\n");
  process.exit(2);
}
for (const file of positionals) {
  if (values.callers) {
    const rows = callersOf(file, values.callers, window, top);
    process.stdout.write(`${file}\nself time of ${values.callers} by caller (% of all sampled time):\n`);
    for (const c of rows)
      process.stdout.write(
        `  ${c.pct.toFixed(1).padStart(5)}%  ${c.ms.toFixed(0).padStart(7)} ms  ${c.name}  ${c.where}\n`,
      );
    continue;
  }
  const summary = summariseProfile(file, top, window);
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary, top)}\n\n`);
}

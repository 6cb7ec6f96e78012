// Checks the dependency rule: runs dependency-cruiser with .dependency-cruiser.cjs over the
// packages' sources and fails on every violation, naming its rule. Cycles are compared with
// .dependency-cruiser-known-cycles.json: a cycle not listed there fails, and so does a listed one
// that no longer occurs, so the list can only shrink. Runs in the current directory (the
// repository root, or a fixture in the check's own test).
import { existsSync, readFileSync } from "node:fs";
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const SOURCES = [
  "packages/protocol/src",
  "packages/sdk/src",
  "packages/server/src",
  "packages/cli/src",
  "packages/web/src",
  "bench",
];
const CONFIG = ".dependency-cruiser.cjs";
const KNOWN_CYCLES = ".dependency-cruiser-known-cycles.json";

/** A cycle as one string, starting from its smallest file, so the same cycle reads the same from anywhere. */
function cycleKey(files) {
  let start = 0;
  for (let i = 1; i < files.length; i++) if (files[i] < files[start]) start = i;
  return [...files.slice(start), ...files.slice(0, start)].join(" -> ");
}

const sources = SOURCES.filter((s) => existsSync(s));
const options = await extractDepcruiseOptions(`./${CONFIG}`);
const tsConfig = extractTSConfig(options.ruleSet.options?.tsConfig?.fileName ?? "tsconfig.base.json");
const { output: report } = await cruise(sources, options, {}, { tsConfig });
const known = new Set(
  existsSync(KNOWN_CYCLES) ? JSON.parse(readFileSync(KNOWN_CYCLES, "utf8")).map((c) => cycleKey(c)) : [],
);

const problems = [];
const cyclesSeen = new Set();
for (const v of report.summary.violations) {
  if (v.type === "cycle") {
    const key = cycleKey(v.cycle.map((step) => step.name));
    if (cyclesSeen.has(key)) continue;
    cyclesSeen.add(key);
    if (!known.has(key)) problems.push(`${v.rule.name}: a new cycle: ${key}`);
    continue;
  }
  const via = v.via ? ` (via ${v.via.map((step) => step.name).join(" -> ")})` : "";
  problems.push(`${v.rule.name}: ${v.from} -> ${v.to}${via}`);
}
for (const key of known) {
  if (!cyclesSeen.has(key))
    problems.push(`known-cycles: ${key} no longer occurs; remove it from ${KNOWN_CYCLES}`);
}

if (problems.length > 0) {
  console.error(`The dependency rule is broken (${CONFIG}):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `dependency rule: ${report.summary.totalCruised} modules, ${report.summary.totalDependenciesCruised} dependencies, ${known.size} known cycles`,
);

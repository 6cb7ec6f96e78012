/** How results are shown (a table on the terminal) and kept (JSON in bench/out/). */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import type { Failures } from "./channel.js";
import type { ProfileSummary } from "./cpuprofile.js";
import { OUT_DIR } from "./paths.js";

export interface Row {
  metric: string;
  value: string;
  /** The target, in words ("≥ 15,000"); empty when the figure is informative only. */
  bar?: string;
  pass?: boolean;
}

export interface ScenarioReport {
  scenario: string;
  rows: Row[];
  /** Everything measured, for the JSON file. */
  data: Record<string, unknown>;
  profile?: ProfileSummary;
  /** Set when the scenario could not run to the end. */
  error?: string;
}

export interface RunReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  options: Record<string, unknown>;
  scenarios: ScenarioReport[];
}

export function machine(): RunReport["machine"] {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "?",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  ms: (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`,
  pct: (n: number) => `${n.toFixed(0)} %`,
};

/** A fixed-width table: scenario | metric | value | bar | verdict. */
export function formatTable(reports: readonly ScenarioReport[]): string {
  const rows: string[][] = [["scenario", "metric", "value", "bar", ""]];
  for (const r of reports) {
    if (r.error) rows.push([r.scenario, "FAILED", r.error.split("\n")[0]?.slice(0, 100) ?? "", "", "FAIL"]);
    for (const row of r.rows) {
      const verdict = row.pass === undefined ? "" : row.pass ? "ok" : "MISS";
      rows.push([r.scenario, row.metric, row.value, row.bar ?? "", verdict]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join("\n");
}

/** Writes the run to bench/out/results-<time>.json and bench/out/latest.json; returns the first path. */
export function writeResults(report: RunReport): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, `results-${report.startedAt.replace(/[:.]/g, "-")}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(OUT_DIR, "latest.json"), text);
  return file;
}

/** Errors, lost messages and dropped connections: the bar is zero. */
export function failureRow(f: Failures): Row {
  const errors = Object.values(f.errorCodes).reduce((a, b) => a + b, 0);
  const codes = Object.entries(f.errorCodes)
    .map(([c, n]) => `${c}x${n}`)
    .join(",");
  const value = `${errors} errors${codes ? ` (${codes})` : ""}, ${f.lost} lost, ${f.disconnects} dropped, ${f.unreadable} unreadable`;
  return { metric: "failures", value, bar: "0", pass: errors + f.lost + f.disconnects + f.unreadable === 0 };
}

/** The same load against the transport-only relay, and the server's figure as a share of it. */
export function baselineRows(what: string, server: number, relay: number, relayP99Ms: number): Row[] {
  return [
    { metric: `baseline relay ${what} (p99)`, value: `${fmt.int(relay)} (${fmt.ms(relayP99Ms)})` },
    { metric: "server / baseline", value: relay > 0 ? `${((server / relay) * 100).toFixed(0)} %` : "-" },
  ];
}

/**
 * Where the two shared cores went during the measured window. "Other" is
 * everything else on the machine: if it is not near zero, the run was
 * disturbed and its figures are suspect.
 */
export function cpuRows(serverPct: number, loadgenPct: number, machinePct: number): Row[] {
  const other = Math.max(0, machinePct - serverPct - loadgenPct);
  return [
    { metric: "server CPU (1 core = 100 %)", value: fmt.pct(serverPct) },
    { metric: "load generator CPU", value: fmt.pct(loadgenPct) },
    { metric: "other processes CPU", value: fmt.pct(other), bar: "< 10 %", pass: other < 10 },
  ];
}

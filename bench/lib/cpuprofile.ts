/**
 * Summarises a V8 .cpuprofile (as written by `node --cpu-prof`): where the
 * process spent its own time (self time per function and per module), and
 * which of the project's own functions the time was spent under (inclusive).
 */
import { readFileSync } from "node:fs";
import { SourceLocator } from "./source-locator.js";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Cost {
  name: string;
  /** file:line, shortened to the repository or package. */
  where: string;
  ms: number;
  pct: number;
}

/** A span of the monotonic clock (process.hrtime, the clock V8 stamps samples with), in microseconds. */
export interface ProfileWindow {
  startUs: number;
  endUs: number;
}

export interface ProfileSummary {
  file: string;
  /** Whether only the measured window's samples were counted (start-up and set-up left out). */
  scope: "measured window" | "whole run";
  /** The measured window, so `top-functions.ts --window` can cut the same profile again. */
  window?: ProfileWindow;
  totalMs: number;
  /** Everything but "(idle)": how busy the main thread was. */
  busyPct: number;
  self: Cost[];
  modules: Cost[];
  /** Inclusive time of functions in packages/ (the project's own code). */
  ownInclusive: Cost[];
  /** The hottest JavaScript function's self time split by its callers (see callersOf). */
  hottest?: { name: string; callers: Cost[] };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
}

export function summariseProfile(file: string, top = 20, window?: ProfileWindow): ProfileSummary {
  const profile = readProfile(file);
  const src = new SourceLocator();
  const selfUs = selfTimes(profile, window);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const self = new Map<string, Cost>();
  const modules = new Map<string, Cost>();
  const inclusive = new Map<string, Cost>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || us === 0) continue;
    const f = node.callFrame;
    if (f.functionName === "(idle)") idle += us;
    add(self, key(f), describe(f, src), us);
    const mod = moduleOf(f);
    add(modules, mod, { name: mod, where: "" }, us);
    // Charge this time once to every distinct project function on the stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)?.callFrame;
      if (!cf || !isOwn(cf.url)) continue;
      const k = key(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      add(inclusive, k, describe(cf, src), us);
    }
  }
  const finish = (m: Map<string, Cost>) =>
    [...m.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((c) => ({ ...c, ms: round(c.ms / 1000), pct: total > 0 ? round((c.ms / total) * 100) : 0 }));
  // Native frames like "writev" or "(garbage collector)" have no callers worth splitting by.
  const hot = [...self.values()].sort((a, b) => b.ms - a.ms).find((c) => c.where !== "");
  return {
    file,
    scope: window ? "measured window" : "whole run",
    window,
    hottest: hot && { name: hot.name, callers: callersOf(file, hot.name, window, 8) },
    totalMs: round(total / 1000),
    busyPct: total > 0 ? round(((total - idle) / total) * 100) : 0,
    self: finish(self),
    modules: finish(modules),
    ownInclusive: finish(inclusive),
  };
}

/**
 * Who made a hot function hot: its self time split by the nearest caller in
 * the project's own code (for example executeQuery by the store method that
 * issued the SQL). Where no project frame is on the stack (the continuation
 * of an await), the nearest three library frames name the caller instead.
 */
export function callersOf(file: string, fn: string, window?: ProfileWindow, top = 15): Cost[] {
  const profile = readProfile(file);
  const src = new SourceLocator();
  const selfUs = selfTimes(profile, window);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, Cost>();
  for (const [id, us] of selfUs) {
    if (us === 0 || byId.get(id)?.callFrame.functionName !== fn) continue;
    const chain: string[] = [];
    let owner: { name: string; where: string } | undefined;
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)?.callFrame;
      if (!cf) break;
      if (isOwn(cf.url) && cf.functionName) {
        owner = describe(cf, src);
        break;
      }
      if (chain.length < 3) chain.push(cf.functionName || "(anonymous)");
    }
    const what = owner ?? { name: chain.join(" < ") || "(root)", where: "(no project frame)" };
    add(out, `${what.name}|${what.where}`, what, us);
  }
  return [...out.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((c) => ({ ...c, ms: round(c.ms / 1000), pct: total > 0 ? round((c.ms / total) * 100) : 0 }));
}

/** Microseconds of self time per node id, from the sample stream (hit counts as a fallback). */
function selfTimes(p: CpuProfile, window?: ProfileWindow): Map<number, number> {
  const out = new Map<number, number>();
  if (p.samples && p.timeDeltas && p.samples.length > 0) {
    // timeDeltas[i] is the time from sample i-1 to sample i; charge it to the sample that was running.
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i] ?? 0;
      if (window && (t < window.startUs || t > window.endUs)) continue;
      const dt = p.timeDeltas[i + 1] ?? 0;
      const id = p.samples[i] as number;
      out.set(id, (out.get(id) ?? 0) + Math.max(0, dt));
    }
    return out;
  }
  const hits = p.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0);
  const per = hits > 0 ? (p.endTime - p.startTime) / hits : 0;
  for (const n of p.nodes) out.set(n.id, (n.hitCount ?? 0) * per);
  return out;
}

function add(into: Map<string, Cost>, k: string, what: { name: string; where: string }, us: number): void {
  const c = into.get(k);
  if (c) c.ms += us;
  else into.set(k, { ...what, ms: us, pct: 0 });
}

function key(f: CallFrame): string {
  return `${f.functionName}|${f.url}|${f.lineNumber}`;
}

function describe(f: CallFrame, src: SourceLocator): { name: string; where: string } {
  const line = f.lineNumber === 0 ? (src.line(f.url, f.functionName) ?? 1) : f.lineNumber + 1;
  const where = f.url ? `${shortUrl(f.url)}:${line}` : "";
  return { name: f.functionName || "(anonymous)", where };
}

function isOwn(url: string): boolean {
  return url.includes("/packages/") && !url.includes("/node_modules/");
}

/** "file:///work/main/node_modules/kysely/dist/esm/x.js" -> "kysely/dist/esm/x.js"; project files relative to the repo. */
function shortUrl(url: string): string {
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) return url.slice(nm + "/node_modules/".length);
  const pk = url.indexOf("/packages/");
  if (pk >= 0) return url.slice(pk + 1);
  return url.replace(/^file:\/\//, "");
}

/** The package (node_modules), project directory (packages/x/src/dir) or node: area a frame belongs to. */
function moduleOf(f: CallFrame): string {
  const url = f.url;
  if (!url) return f.functionName.startsWith("(") ? f.functionName : "(native)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const pk = url.indexOf("/packages/");
  if (pk >= 0) {
    const parts = url.slice(pk + 1).split("/");
    return parts.slice(0, Math.min(parts.length - 1, 4)).join("/");
  }
  if (url.startsWith("node:")) return url.split("/").slice(0, 2).join("/");
  return url;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A plain-text rendering for the terminal and for docs/performance.md. */
export function formatSummary(s: ProfileSummary, top = 15): string {
  const lines = [
    `${s.file}\n${s.scope}: ${s.totalMs} ms sampled, main thread busy ${s.busyPct}% (socket reads done by libuv count as idle)`,
  ];
  const table = (title: string, rows: Cost[]) => {
    lines.push("", title);
    for (const c of rows.slice(0, top)) {
      lines.push(
        `  ${c.pct.toFixed(1).padStart(5)}%  ${c.ms.toFixed(0).padStart(7)} ms  ${c.name}${c.where ? `  ${c.where}` : ""}`,
      );
    }
  };
  table("top self time by function:", s.self);
  table("self time by module:", s.modules);
  table("inclusive time in the project's own functions (synchronous stacks only):", s.ownInclusive);
  if (s.hottest) table(`self time of ${s.hottest.name} by caller:`, s.hottest.callers);
  return lines.join("\n");
}

/** What Linux says about a process: resident memory and CPU time (all threads). */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** VmRSS of `pid` in KiB. */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** User + system CPU seconds consumed so far by `pid`, every thread included. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
  return ticks / CLOCK_TICKS;
}

/** _SC_CLK_TCK is 100 on every Linux architecture Node supports. */
const CLOCK_TICKS = 100;

/** The soft limit of open files of this process (children inherit it). */
export function openFilesLimit(): number {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !m || m[1] === "unlimited" ? Number.POSITIVE_INFINITY : Number(m[1]);
}

/** Measures CPU use of some processes (summed) between two moments, as a percentage of one core. */
export class CpuMeter {
  private cpu0 = 0;
  private machine0 = 0;
  private t0 = 0;
  pct = 0;
  /** Busy CPU of the whole machine over the same span (one core = 100), to spot other load. */
  machinePct = 0;
  /** The metered span on the monotonic clock, in microseconds (to cut a CPU profile to it). */
  startUs = 0;
  endUs = 0;

  constructor(private readonly pids: readonly number[]) {}

  private cpu(): number {
    return this.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }

  start(): void {
    this.cpu0 = this.cpu();
    this.machine0 = machineBusySeconds();
    this.t0 = performance.now();
    this.startUs = Number(process.hrtime.bigint() / 1000n);
  }

  stop(): number {
    const wall = (performance.now() - this.t0) / 1000;
    this.endUs = Number(process.hrtime.bigint() / 1000n);
    const pct = (seconds: number) => (wall > 0 ? Math.round((seconds / wall) * 1000) / 10 : 0);
    this.pct = pct(this.cpu() - this.cpu0);
    this.machinePct = pct(machineBusySeconds() - this.machine0);
    return this.pct;
  }
}

/** Busy CPU seconds of the whole machine (all cores) so far, from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  // cpu user nice system idle iowait irq softirq steal ...
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy / CLOCK_TICKS;
}

/**
 * TCP ports `pid` listens on (IPv4 and IPv6): its open sockets' inodes
 * matched against the kernel's socket tables as that process sees them.
 */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // Closed between listing and reading: not a listener we are looking for.
    }
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address(HEXIP:HEXPORT) rem_address st(0A = LISTEN) ... inode (10th field)
      const f = line.trim().split(/\s+/);
      if (f[3] !== "0A" || !inodes.has(f[9] ?? "")) continue;
      ports.add(Number.parseInt(f[1]?.split(":").pop() ?? "", 16));
    }
  }
  return [...ports];
}

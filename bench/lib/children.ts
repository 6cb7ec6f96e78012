import type { ChildProcess } from "node:child_process";

/**
 * The child processes this run started, so an interrupted run ends exactly
 * those (by their pids) and leaves no server or generator behind.
 */
export class ChildRegistry {
  private readonly live = new Set<ChildProcess>();

  track(child: ChildProcess): void {
    this.live.add(child);
    child.once("exit", () => this.live.delete(child));
  }

  killAll(signal: NodeJS.Signals): void {
    for (const c of this.live) {
      if (c.pid === undefined) continue;
      try {
        process.kill(c.pid, signal);
      } catch {
        // it exited between the check and the kill
      }
    }
  }
}

/**
 * The orchestrator's handle on a load-generator child: starts it with one
 * job, turns its stdout lines into awaited events, forwards commands, and
 * always ends it (by its own pid) if anything goes wrong.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type LoadgenCommand, type LoadgenEvent, type LoadgenJob, onJsonLines } from "./channel.js";
import type { ChildRegistry } from "./children.js";
import { REPO_ROOT } from "./paths.js";

type EventOf<T extends LoadgenEvent["type"]> = Extract<LoadgenEvent, { type: T }>;

interface Waiter {
  type: LoadgenEvent["type"];
  resolve(e: LoadgenEvent): void;
  reject(err: Error): void;
}

export interface LoadgenOptions {
  children: ChildRegistry;
  onProgress: (message: string) => void;
  /** Runs synchronously when the measured window opens or closes. */
  onPhase?: (phase: "measure-start" | "measure-end") => void;
  /** Profile the generator itself (to keep its cost down), into this folder. */
  profileDir?: string;
}

export class LoadgenProcess {
  private readonly child: ChildProcess;
  private readonly backlog: LoadgenEvent[] = [];
  private waiter: Waiter | undefined;
  private failure: Error | undefined;
  private stderrTail = "";
  private readonly exited: Promise<void>;

  private readonly onProgress: (message: string) => void;
  private readonly onPhase: (phase: "measure-start" | "measure-end") => void;

  constructor(job: LoadgenJob, opts: LoadgenOptions) {
    this.onProgress = opts.onProgress;
    this.onPhase = opts.onPhase ?? (() => {});
    const profile = opts.profileDir ? ["--cpu-prof", "--cpu-prof-dir", opts.profileDir] : [];
    // The generator may hold 10,000 sockets' buffers: give its heap room.
    const args = [
      ...profile,
      "--max-old-space-size=4096",
      "--conditions=starling-source",
      "--import",
      "tsx",
      "bench/loadgen.ts",
      JSON.stringify(job),
    ];
    this.child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
    opts.children.track(this.child);
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4096);
    });
    onJsonLines<LoadgenEvent>(
      this.child.stdout!,
      (e) => this.onEvent(e),
      (line) => this.onProgress(`(loadgen) ${line}`),
    );
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        if (code !== 0)
          this.fail(new Error(`load generator exited with ${code ?? signal}\n${this.stderrTail}`));
        resolve();
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the next event of `type`, or rejects on a loadgen error, exit or timeout. */
  next<T extends LoadgenEvent["type"]>(type: T, timeoutMs: number): Promise<EventOf<T>> {
    const i = this.backlog.findIndex((e) => e.type === type);
    if (i >= 0) return Promise.resolve(this.backlog.splice(i, 1)[0] as EventOf<T>);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<EventOf<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no "${type}" from the load generator within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      this.waiter = {
        type,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as EventOf<T>);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  command(cmd: LoadgenCommand): void {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Waits (bounded) for a clean exit, then kills it by pid if it is still there. */
  async end(waitMs = 30_000): Promise<void> {
    this.child.stdin!.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGKILL");
      await this.exited;
    }
  }

  private onEvent(e: LoadgenEvent): void {
    if (e.type === "progress") this.onProgress(e.message);
    else if (e.type === "phase") this.onPhase(e.phase);
    else if (e.type === "error") this.fail(new Error(`load generator failed: ${e.message}`));
    else if (this.waiter?.type === e.type) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve(e);
    } else {
      this.backlog.push(e);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(this.failure);
  }
}

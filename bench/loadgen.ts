/**
 * The load-generator child process. run.ts starts it with one job (JSON in
 * argv[2]) so the generator's CPU is accounted to a process other than the
 * server's; it reports JSON lines on stdout and takes commands on stdin.
 */
import { type LoadgenCommand, type LoadgenEvent, type LoadgenJob, onJsonLines } from "./lib/channel.js";
import { runGroup } from "./load/group.js";
import { runIdle } from "./load/idle.js";
import { runOneToOne } from "./load/one-to-one.js";
import { checkWireAgainstSchema } from "./load/wire.js";
import { runXmpp } from "./load/xmpp.js";

function emit(event: LoadgenEvent): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${JSON.stringify(event)}\n`, () => resolve()));
}

/** "continue" commands from the orchestrator, awaited one at a time; once stdin ends every wait returns. */
class CommandQueue {
  private pending = 0;
  private ended = false;
  private waiter: (() => void) | undefined;

  push(cmd: LoadgenCommand): void {
    if (cmd.type !== "continue") return;
    this.pending++;
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  next(): Promise<void> {
    if (this.pending > 0 || this.ended) {
      if (this.pending > 0) this.pending--;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = () => {
        if (this.pending > 0) this.pending--;
        resolve();
      };
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

function hardLimitMs(job: LoadgenJob): number {
  if (job.scenario === "idle") return 15 * 60_000;
  return (job.warmupSec + job.durationSec) * 1000 + 3 * 60_000;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? "null") as LoadgenJob | null;
  if (!job) throw new Error("usage: loadgen.ts '<job json>' (started by bench/run.ts)");
  if (job.endpoint.host !== "127.0.0.1") throw new Error("the load generator only connects to 127.0.0.1");
  // Bounded no matter what the server does: a hung run ends with an error, not forever.
  setTimeout(() => {
    void emit({
      type: "error",
      message: `load generator hit its hard limit of ${hardLimitMs(job) / 1000}s`,
    }).then(() => process.exit(2));
  }, hardLimitMs(job)).unref();

  const commands = new CommandQueue();
  onJsonLines<LoadgenCommand>(
    process.stdin,
    (cmd) => commands.push(cmd),
    () => {},
  );
  // The parent closing our stdin means it is gone: stop rather than linger.
  process.stdin.on("end", () => commands.end());

  checkWireAgainstSchema();
  const send = (e: LoadgenEvent) => void emit(e);
  if (job.scenario === "one-to-one") await emit({ type: "result", result: await runOneToOne(job, send) });
  else if (job.scenario === "group") await emit({ type: "result", result: await runGroup(job, send) });
  else if (job.scenario === "xmpp") await emit({ type: "result", result: await runXmpp(job, send) });
  else {
    const { stillOpen, disconnects } = await runIdle(
      job,
      (opened) => send({ type: "opened", opened }),
      () => commands.next(),
    );
    await emit({ type: "closed", stillOpen, disconnects });
  }
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    await emit({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  },
);

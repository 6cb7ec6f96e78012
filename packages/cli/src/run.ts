import { buildProgram } from "./program.js";
import type { StopSignals } from "./stop-signals.mjs";

/** Runs the command line; `signals` were installed by the entry before anything else loaded. */
export function run(signals: StopSignals): void {
  // `starling user list | head` closes the pipe early; what was not read is not wanted, so the
  // command ends quietly as a Unix tool killed by SIGPIPE would, instead of crashing on EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(0);
      throw err;
    });
  }
  buildProgram(signals)
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`starling: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}

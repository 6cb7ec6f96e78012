import { buildProgram } from "./program.js";
import type { StopSignals } from "./stop-signals.mjs";

/** Runs the command line; `signals` were installed by the entry before anything else loaded. */
export function run(signals: StopSignals): void {
  buildProgram(signals)
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`starling: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}

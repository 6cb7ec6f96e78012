import { StopSignals } from "./stop-signals.mjs";

// First, before the rest of the program is loaded (which takes a moment): a stop
// signal from now on reaches the command instead of killing the process.
const signals = new StopSignals();
const { run } = await import("./run.js");
run(signals);

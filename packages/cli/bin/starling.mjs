#!/usr/bin/env node
// Runs the TypeScript sources through tsx so the command works straight from a checkout.
import { StopSignals } from "../src/stop-signals.mjs";

// First, before the TypeScript loader is even loaded: a stop signal from now on
// reaches the command instead of killing the process.
const signals = new StopSignals();
const { register } = await import("tsx/esm/api");
register();
const { run } = await import("../src/run.ts");
run(signals);
